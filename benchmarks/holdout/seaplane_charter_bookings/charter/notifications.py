"""Outbound e-mail: booking confirmations, refunds, cancellations, password resets."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10


def _build(to_addr, subject, body):
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to_addr
    message["Subject"] = subject
    message.set_content(body)
    return message


def _send(message):
    cfg = current_app.config
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=SMTP_TIMEOUT_SECONDS) as smtp:  # ok: REL001
        smtp.starttls()
        if cfg["SMTP_USER"]:
            smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
        smtp.send_message(message)
    log.info("sent mail '%s'", message["Subject"])


def _money(cents):
    return f"${cents / 100:,.2f} CAD"


def send_password_reset(to_addr, token):
    link = f"{current_app.config['PUBLIC_BASE_URL']}/reset-password?token={token}"
    body = (
        "Someone asked to reset the password for your charter account.\n\n"
        f"Use this link within 30 minutes: {link}\n\n"
        "If it wasn't you, ignore this e-mail."
    )
    _send(_build(to_addr, "Reset your password", body))


def send_booking_confirmation(to_addr, booking):
    flight = booking.flight
    names = ", ".join(p["name"] for p in booking.passengers)
    body = (
        f"Your seats on {flight.code} ({flight.origin} to {flight.destination}) are confirmed.\n"
        f"Departure: {flight.departs_at:%A %d %B, %H:%M} UTC\n"
        f"Passengers: {names}\n"
        f"Total charged: {_money(booking.amount_cents)}\n\n"
        "Please be at the dock 30 minutes before departure for weigh-in."
    )
    _send(_build(to_addr, f"Booking confirmed: {flight.code}", body))


def send_refund_notice(to_addr, booking, amount_cents):
    body = (
        f"Flight {booking.flight.code} was cancelled because of the weather.\n"
        f"We have refunded {_money(amount_cents)} to your card; it can take 5-10 days to appear."
    )
    _send(_build(to_addr, f"Refund for {booking.flight.code}", body))


def send_flight_cancelled(to_addr, flight):
    body = (
        f"Unfortunately flight {flight.code} on {flight.departs_at:%d %B} is cancelled.\n"
        "A refund will follow automatically."
    )
    _send(_build(to_addr, f"Flight {flight.code} cancelled", body))
