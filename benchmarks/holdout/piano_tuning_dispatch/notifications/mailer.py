"""Transactional e-mail for bookings.

Sending happens off the request thread so the booking API answers quickly even
when the SMTP relay is slow.
"""
import logging
import smtplib
import threading
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

SENDER = formataddr(("Piano Dispatch", "bookings@pianodispatch.com"))


def _compose(to_addr, subject, template, context):
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to_addr
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="pianodispatch.com")
    msg.set_content(render_to_string(f"emails/{template}.txt", context))
    msg.add_alternative(render_to_string(f"emails/{template}.html", context), subtype="html")
    return msg


def _deliver(msg):
    try:
        with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as smtp:  # expect: REL001
            smtp.starttls()
            smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        logger.error("could not send %r to %s: %s", msg["Subject"], msg["To"], exc)  # expect: OBS002
        return False
    logger.info("sent %r to %s", msg["Subject"], msg["To"])
    return True


def _in_background(msg):
    worker = threading.Thread(target=_deliver, args=(msg,), daemon=True)
    worker.start()  # expect: CON003, REL005


def send_booking_confirmation(booking):
    customer = booking.customer
    starts_at = timezone.localtime(booking.slot.starts_at)
    context = {
        "first_name": customer.user.first_name,
        "when": starts_at.strftime("%A %d %B at %I:%M %p"),
        "technician": booking.slot.technician.display_name,
        "address": customer.address_line,
        "booking_id": booking.pk,
    }
    msg = _compose(customer.user.email, "Your piano tuning is booked", "booking_confirmed", context)
    _in_background(msg)


def send_cancellation_notice(booking, reason=""):
    customer = booking.customer
    context = {
        "first_name": customer.user.first_name,
        "booking_id": booking.pk,
        "reason": reason,
    }
    msg = _compose(customer.user.email, "Your piano tuning was cancelled", "booking_cancelled", context)
    _in_background(msg)


def send_plain(to_addr, subject, body):
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to_addr
    msg["Subject"] = subject
    msg.set_content(body)
    return _deliver(msg)
