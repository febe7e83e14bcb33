"""Transactional e-mail through the Postmark HTTP API."""
import logging

import requests
from flask import current_app, render_template, url_for

log = logging.getLogger(__name__)

POSTMARK_URL = "https://api.postmarkapp.com/email"
_session = requests.Session()


def _send(to: str, subject: str, html: str, tag: str) -> bool:
    payload = {
        "From": current_app.config["MAIL_FROM"],
        "To": to,
        "Subject": subject,
        "HtmlBody": html,
        "Tag": tag,
        "MessageStream": "outbound",
    }
    log.info("postmark send tag=%s payload=%s", tag, payload)  # expect: SEC007
    resp = _session.post(
        POSTMARK_URL,
        json=payload,
        headers={
            "Accept": "application/json",
            "X-Postmark-Server-Token": current_app.config["POSTMARK_TOKEN"],
        },
        timeout=10,
    )
    if resp.status_code != 200:
        log.warning("postmark rejected %s message: %s %s", tag, resp.status_code, resp.text[:200])
        return False
    return True


def send_password_reset(user, token: str) -> bool:
    link = url_for("auth.reset_password", token=token, _external=True)
    html = render_template("email/password_reset.html", user=user, link=link)
    return _send(user.email, "Reset your Lighthouse Tours password", html, "password-reset")


def send_booking_confirmation(booking) -> bool:
    html = render_template("email/booking_confirmed.html", booking=booking, slot=booking.slot)
    return _send(booking.user.email, f"Your lighthouse tour booking {booking.reference}",
                 html, "booking-confirmation")


def send_closure_notice(booking, slot) -> bool:
    html = render_template(
        "email/closure.html",
        booking=booking,
        slot=slot,
        reason=slot.closure_reason or "weather",
    )
    return _send(booking.user.email, "Your lighthouse tour has been cancelled",
                 html, "storm-closure")
