"""Teacher-to-parent messages, stored in an outbox table and e-mailed by a cron command."""
import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from .db import db

logger = logging.getLogger(__name__)
bp = Blueprint("messages", __name__, url_prefix="/messages")

BATCH_SIZE = 100
MAX_ATTEMPTS = 5


@bp.post("/classes/<int:class_id>")
@login_required
def message_class_parents(class_id: int):
    """Queue one message per guardian of every pupil in the class."""
    subject = request.form.get("subject", "").strip()[:200]
    body = request.form.get("body", "").strip()[:10_000]
    if not subject or not body:
        return jsonify(error="subject and body are required"), 400
    with db.cursor() as cur:
        cur.execute("SELECT 1 FROM classes WHERE id = %s AND teacher_id = %s", (class_id, current_user.id))  # ok: SEC018
        if cur.fetchone() is None:
            abort(404)
        cur.execute(  # ok: DB001
            "INSERT INTO parent_messages (class_id, sender_id, parent_id, subject, body, status) "
            "SELECT DISTINCT %s, %s, g.parent_id, %s, %s, 'pending' "
            "FROM enrollments e JOIN guardians g ON g.student_id = e.student_id WHERE e.class_id = %s",
            (class_id, current_user.id, subject, body, class_id),
        )
        queued = cur.rowcount
    logger.info("teacher %s queued %d parent messages for class %s", current_user.id, queued, class_id)
    return jsonify(queued=queued), 202


def _build(row: dict, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = row["subject"]
    msg["From"] = sender
    msg["To"] = row["email"]
    msg["Message-ID"] = make_msgid(idstring=f"parent-message-{row['id']}")
    msg.set_content(row["body"])
    return msg


@bp.cli.command("send-pending")
def send_pending() -> None:
    """Send one batch of queued messages; cron runs this every minute."""
    cfg = current_app.config
    sent, retry = [], []
    with db.cursor() as cur:
        cur.execute(  # ok: DB002, DB001
            "SELECT m.id, m.subject, m.body, u.email FROM parent_messages m JOIN users u ON u.id = m.parent_id "
            "WHERE m.status = 'pending' AND m.attempts < %s ORDER BY m.id LIMIT %s FOR UPDATE OF m SKIP LOCKED",
            (MAX_ATTEMPTS, BATCH_SIZE),
        )
        batch = cur.fetchall()
        if not batch:
            return
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=15) as smtp:  # ok: REL001, RES001
            smtp.starttls()
            if cfg["SMTP_USER"]:
                smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
            for row in batch:
                try:
                    smtp.send_message(_build(row, cfg["MAIL_FROM"]))  # ok: REL003
                    sent.append(row["id"])
                except (smtplib.SMTPException, OSError):
                    logger.warning("parent message %s not sent, will retry", row["id"], exc_info=True)
                    retry.append(row["id"])
        cur.execute("UPDATE parent_messages SET status = 'sent', sent_at = now() WHERE id = ANY(%s)", (sent,))  # ok: DB003
        cur.execute("UPDATE parent_messages SET attempts = attempts + 1 WHERE id = ANY(%s)", (retry,))  # ok: DB004
    logger.info("parent messages: %d sent, %d to retry", len(sent), len(retry))
