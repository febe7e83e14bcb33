"""League e-mail: queued in the email_outbox table, delivered by the mail worker process.

Run the worker with ``python -m league.notify``.
"""
import logging
import smtplib
import ssl
import time
from email.message import EmailMessage

from jinja2 import Environment, PackageLoader, select_autoescape

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 50

templates = Environment(
    loader=PackageLoader("league", "templates/email"),
    autoescape=select_autoescape(["html"]),  # ok: SEC016
)


def queue_email(cur, to_addr, subject, template, dedupe_key, **context):
    """Insert into the outbox inside the caller's transaction; duplicates are ignored."""
    body = templates.get_template(template).render(**context)
    cur.execute(
        "INSERT INTO email_outbox (dedupe_key, to_addr, subject, body_html) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (dedupe_key) DO NOTHING",
        (dedupe_key, to_addr, subject, body),
    )


class SmtpSender:
    def __init__(self, host, port, user, password, sender, timeout=15):
        self.host, self.port, self.user, self.password = host, port, user, password
        self.sender = sender
        self.timeout = timeout

    @classmethod
    def from_config(cls, config):
        return cls(config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_USER"], config["SMTP_PASSWORD"], config["MAIL_FROM"])

    def send(self, to_addr, subject, body_html):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to_addr, subject
        msg.set_content("This message is best viewed in an HTML-capable mail client.")
        msg.add_alternative(body_html, subtype="html")
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:  # ok: REL001
            smtp.starttls(context=ssl.create_default_context())
            smtp.login(self.user, self.password)
            smtp.send_message(msg)


def deliver_one(conn, sender):
    """Claim one due message with SKIP LOCKED, send it, record the result. Returns False when idle."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id, to_addr, subject, body_html, attempts FROM email_outbox"
            " WHERE sent_at IS NULL AND attempts < %s AND next_attempt_at <= now()"
            " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
            (MAX_ATTEMPTS,),
        )
        row = cur.fetchone()
        if row is None:
            conn.rollback()
            return False
        try:
            sender.send(row["to_addr"], row["subject"], row["body_html"])
        except (smtplib.SMTPException, OSError):
            logger.warning("outbox %s delivery failed (attempt %d)", row["id"], row["attempts"] + 1, exc_info=True)
            cur.execute(
                "UPDATE email_outbox SET attempts = attempts + 1,"
                " next_attempt_at = now() + make_interval(mins => power(2, attempts)::int) WHERE id = %s",
                (row["id"],),
            )
        else:
            cur.execute("UPDATE email_outbox SET sent_at = now() WHERE id = %s", (row["id"],))
    conn.commit()  # ok: DB003
    return True


def run_worker(poll_seconds=10):
    from league import create_app
    from league.db import worker_connection

    app = create_app()
    sender = SmtpSender.from_config(app.config)
    while True:  # ok: REL002
        with worker_connection(app) as conn:
            for _ in range(BATCH_SIZE):
                if not deliver_one(conn, sender):
                    break
            else:
                continue
        time.sleep(poll_seconds)


if __name__ == "__main__":
    run_worker()
