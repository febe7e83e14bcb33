import smtplib
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from celery import shared_task

from clinic.db import pool
from clinic.settings import settings

CLINIC_TZ = ZoneInfo("America/Chicago")


def _reminder(to_addr: str, first_name: str, starts_at: datetime, provider: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.reminder_sender
    msg["To"] = to_addr
    msg["Subject"] = "Appointment reminder"
    local = starts_at.astimezone(CLINIC_TZ)
    msg.set_content(
        f"Hi {first_name},\n\nThis is a reminder of your appointment with {provider} "
        f"on {local:%A %B %d at %I:%M %p}.\n\nReply CANCEL on the portal if you cannot make it."
    )
    return msg


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=4)
def send_tomorrow_reminders() -> int:
    tomorrow = datetime.now(CLINIC_TZ).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=CLINIC_TZ)
    end = start + timedelta(days=1)
    with pool.connection() as conn:
        rows = conn.execute(
            """
            SELECT a.id, p.email, p.first_name, s.starts_at, pr.display_name
            FROM appointments a
            JOIN patients p ON p.id = a.patient_id
            JOIN slots s ON s.id = a.slot_id
            JOIN providers pr ON pr.id = s.provider_id
            WHERE a.status = 'booked' AND s.starts_at >= %s AND s.starts_at < %s
            """,
            (start, end),
        ).fetchall()

    sent: list[int] = []
    with smtplib.SMTP(settings.smtp_host, 587) as smtp:  # expect: REL001
        smtp.starttls()
        smtp.login(settings.smtp_user, settings.smtp_password)
        for appointment_id, email, first_name, starts_at, provider in rows:
            smtp.send_message(_reminder(email, first_name, starts_at, provider))  # expect: REL003
            sent.append(appointment_id)

    with pool.connection() as conn:
        conn.execute("UPDATE appointments SET reminder_sent_at = now() WHERE id = ANY(%s)", (sent,))
    return len(sent)


@shared_task
def mark_no_shows() -> int:
    with pool.connection() as conn:
        rows = conn.execute(
            """
            SELECT a.id FROM appointments a JOIN slots s ON s.id = a.slot_id
            WHERE a.status = 'booked' AND a.checked_in_at IS NULL
              AND s.ends_at < now() - interval '30 minutes'
            """
        ).fetchall()
        for (appointment_id,) in rows:
            conn.execute("UPDATE appointments SET status = 'no_show' WHERE id = %s", (appointment_id,))
            conn.execute(
                "INSERT INTO appointment_events (appointment_id, kind) VALUES (%s, 'no_show')",
                (appointment_id,),
            )
            conn.commit()  # expect: DB003
    return len(rows)
