"""Transactional e-mail sent from Celery workers."""
import logging
import os
import smtplib
from email.message import EmailMessage

from celery import shared_task
from flask import current_app

from .. import db
from ..models import Appointment, User

logger = logging.getLogger(__name__)

SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
SMTP_USER = os.environ.get("SMTP_USER", "")
SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
MAIL_FROM = os.environ.get("MAIL_FROM", "Hearthworks Sweeps <bookings@hearthworks.example>")
SMTP_TIMEOUT_SECONDS = 15
# Only failures before the message is handed over are retried.
CONNECT_ERRORS = (smtplib.SMTPConnectError, ConnectionRefusedError)


def _send(to_address, subject, body):
    msg = EmailMessage()
    msg["From"] = MAIL_FROM
    msg["To"] = to_address
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        smtp.starttls()
        if SMTP_USER:
            smtp.login(SMTP_USER, SMTP_PASSWORD)
        smtp.send_message(msg)


@shared_task(
    autoretry_for=CONNECT_ERRORS,
    retry_backoff=True,
    max_retries=3,
)
def send_password_reset_email(user_id, token):
    user = db.session.get(User, user_id)
    if user is None:
        return
    link = f"{current_app.config.get('PUBLIC_URL', 'https://book.hearthworks.example')}/reset?token={token}"
    _send(
        user.email,
        "Reset your Hearthworks password",
        f"Hello {user.full_name},\n\nUse this link within 30 minutes to choose a new password:\n{link}\n",
    )
    logger.info("password reset mail sent to user %s", user.id)


@shared_task(
    autoretry_for=CONNECT_ERRORS,
    retry_backoff=True,
    max_retries=3,
)
def send_deposit_declined_email(appointment_id):
    appt = db.session.get(Appointment, appointment_id)
    if appt is None or appt.deposit_status != "declined":
        return
    _send(
        appt.customer.email,
        "We couldn't take your sweep deposit",
        (
            f"Your card was declined for the deposit on your visit on {appt.day:%A %d %B}.\n"
            "Please update your card in your account within 48 hours to keep the slot.\n"
        ),
    )
    logger.info("deposit declined mail sent for appointment %s", appt.id)
