"""Transactional email (appointment confirmations and day-before reminders), run as RQ jobs."""
import logging
import os
import smtplib
from email.message import EmailMessage

from jinja2 import Environment, PackageLoader, select_autoescape

from signup.db import job_connection

log = logging.getLogger(__name__)

templates = Environment(  # ok: SEC016
    loader=PackageLoader("signup", "templates/email"),
    autoescape=select_autoescape(["html"]),
)

SMTP_TIMEOUT = 15
SENDER = "Wildmoor Broadband <installs@wildmoor.net>"


def _send(to: str, subject: str, template: str, **context) -> None:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(templates.get_template(f"{template}.txt").render(**context))
    msg.add_alternative(templates.get_template(f"{template}.html").render(**context), subtype="html")
    host = os.environ.get("SMTP_HOST", "smtp.wildmoor.net")
    with smtplib.SMTP(host, 587, timeout=SMTP_TIMEOUT) as smtp:  # ok: REL001, RES001
        smtp.starttls()
        smtp.login(os.environ.get("SMTP_USER", ""), os.environ.get("SMTP_PASSWORD", ""))
        smtp.send_message(msg)


def send_appointment_confirmation(appointment_id: int) -> None:
    """RQ job; enqueued with a bounded Retry. Skips if already confirmed for this slot."""
    with job_connection("signup-notify") as conn:
        row = conn.execute(
            "SELECT a.id, a.slot_id, a.confirmed_slot_id, s.starts_at, c.email, c.name "
            "FROM appointments a JOIN install_slots s ON s.id = a.slot_id JOIN customers c ON c.id = a.customer_id "
            "WHERE a.id = %s AND a.status = 'booked'",
            (appointment_id,),
        ).fetchone()
        if row is None or row["confirmed_slot_id"] == row["slot_id"]:
            log.info("appointment %s: nothing to confirm", appointment_id)
            return
        _send(row["email"], "Your installation is booked", "appointment_confirmed", name=row["name"], starts_at=row["starts_at"])
        conn.execute("UPDATE appointments SET confirmed_slot_id = %s WHERE id = %s", (row["slot_id"], appointment_id))
    log.info("appointment %s confirmation sent for slot %s", appointment_id, row["slot_id"])


def send_day_before_reminders() -> int:
    """Daily RQ job: one joined query, one email per appointment, progress committed as we go."""
    sent = 0
    with job_connection("signup-reminders") as conn:
        due = conn.execute(
            "SELECT a.id, s.starts_at, c.email, c.name FROM appointments a "
            "JOIN install_slots s ON s.id = a.slot_id JOIN customers c ON c.id = a.customer_id "
            "WHERE a.status = 'booked' AND a.reminded_at IS NULL "
            "AND s.starts_at >= date_trunc('day', now()) + interval '1 day' "
            "AND s.starts_at < date_trunc('day', now()) + interval '2 days'"
        ).fetchall()
        for appt in due:
            try:
                _send(appt["email"], "Your installation is tomorrow", "appointment_reminder", name=appt["name"], starts_at=appt["starts_at"])
            except smtplib.SMTPException:
                log.exception("reminder for appointment %s failed; will retry on the next run", appt["id"])
                continue
            conn.execute("UPDATE appointments SET reminded_at = now() WHERE id = %s", (appt["id"],))
            conn.commit()  # ok: DB003
            sent += 1
    log.info("sent %d installation reminders", sent)
    return sent
