"""Customer e-mail jobs: instalment reminders and password-reset codes."""

import logging
import os
import smtplib
import ssl
from email.message import EmailMessage

from foundry.db import worker_connection

logger = logging.getLogger(__name__)

SMTP_TIMEOUT = 10
BATCH_SIZE = 200


def send_mail(to: str, subject: str, body: str, attachment: tuple[str, bytes] | None = None) -> None:
    msg = EmailMessage()
    msg["From"] = os.environ.get("MAIL_FROM", "orders@bellfoundry.example")
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    if attachment is not None:
        filename, data = attachment
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    host = os.environ.get("SMTP_HOST", "localhost")
    port = int(os.environ.get("SMTP_PORT", "587"))
    with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT) as smtp:  # ok: REL001
        smtp.starttls(context=ssl.create_default_context())
        user = os.environ.get("SMTP_USER")
        if user:
            smtp.login(user, os.environ.get("SMTP_PASSWORD", ""))
        smtp.send_message(msg)


def send_stage_reminders(batch_size: int = BATCH_SIZE) -> int:
    """Remind customers whose next instalment is due. Each reminder is claimed before sending."""
    with worker_connection() as conn:
        due = conn.execute(
            "SELECT sp.id, sp.stage, sp.amount_pence, o.reference, c.email FROM stage_payments sp "
            "JOIN orders o ON o.id = sp.order_id JOIN customers c ON c.id = o.customer_id "
            "WHERE sp.status = 'due' AND sp.reminder_sent_at IS NULL ORDER BY sp.id LIMIT %s",
            (batch_size,),
        ).fetchall()

    sent = 0
    for row in due:
        with worker_connection() as conn:
            claimed = conn.execute(
                "UPDATE stage_payments SET reminder_sent_at = now() "
                "WHERE id = %s AND reminder_sent_at IS NULL RETURNING id",  # ok: DB003
                (row["id"],),
            ).fetchone()
        if claimed is None:
            continue
        try:
            send_mail(
                row["email"],
                f"Instalment due for order {row['reference']}",
                f"The {row['stage']} instalment of £{row['amount_pence'] / 100:.2f} is now due.",
            )
        except (smtplib.SMTPException, OSError):
            logger.exception("instalment reminder failed", extra={"stage_payment_id": row["id"]})
            with worker_connection() as conn:
                conn.execute("UPDATE stage_payments SET reminder_sent_at = NULL WHERE id = %s", (row["id"],))
            continue
        sent += 1
    logger.info("instalment reminders sent", extra={"sent": sent, "due": len(due)})
    return sent


def send_password_reset(email: str, code: str) -> None:
    send_mail(
        email,
        "Your bell foundry portal reset code",
        f"Use this code within 30 minutes to choose a new password: {code}",
    )
    logger.info("password reset e-mail sent", extra={"email_domain": email.rsplit("@", 1)[-1]})
