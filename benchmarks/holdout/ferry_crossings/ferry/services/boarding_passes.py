"""Boarding passes: QR payload, short link, e-mail and SMS delivery."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import logging

import httpx
import qrcode
import requests

from ferry.config import get_settings
from ferry.models import Customer, DeckBooking

logger = logging.getLogger("ferry.boarding")
settings = get_settings()

_client = httpx.AsyncClient(timeout=None)  # expect: REL001


def _pass_payload(booking: DeckBooking) -> str:
    body = f"{booking.reference}:{booking.sailing_id}:{booking.lane_metres}"
    sig = hmac.new(settings.mail_api_token.encode(), body.encode(), hashlib.sha256).hexdigest()[:16]
    return f"{body}:{sig}"


def _qr_png(payload: str) -> bytes:
    buf = io.BytesIO()
    qrcode.make(payload, box_size=6).save(buf, format="PNG")
    return buf.getvalue()


def _short_link(booking: DeckBooking) -> str:
    resp = requests.post(
        settings.link_shortener_url,
        json={"target": f"https://book.example-ferries.com/pass/{booking.reference}"},
        timeout=5,
    )
    resp.raise_for_status()
    return resp.json()["short_url"]


async def _email_pass(customer: Customer, booking: DeckBooking, link: str, png: bytes) -> None:
    resp = await _client.post(
        settings.mail_api_url,
        headers={"Authorization": f"Bearer {settings.mail_api_token}"},
        json={
            "to": customer.email,
            "template": "boarding-pass",
            "model": {"reference": booking.reference, "link": link},
            "attachments": [
                {"name": f"{booking.reference}.png", "content": base64.b64encode(png).decode(), "type": "image/png"}
            ],
        },
    )
    resp.raise_for_status()


async def _text_pass(customer: Customer, booking: DeckBooking, link: str) -> None:
    attempt = 0
    while True:  # expect: REL002
        try:
            resp = await _client.post(  # expect: REL003
                settings.sms_gateway_url,
                headers={"Authorization": f"Bearer {settings.sms_gateway_token}"},
                json={"to": customer.phone, "text": f"Ferry booking {booking.reference}: {link}"},
            )
            resp.raise_for_status()
            return
        except httpx.HTTPError:
            attempt += 1
            logger.warning("sms for booking %s failed, attempt %d", booking.reference, attempt)
            await asyncio.sleep(min(60, 2**attempt))


async def send_boarding_pass(booking: DeckBooking, customer: Customer) -> None:
    link = _short_link(booking)  # expect: CON001
    png = _qr_png(_pass_payload(booking))
    await _email_pass(customer, booking, link, png)
    if customer.phone:
        await _text_pass(customer, booking, link)
    logger.info("boarding pass sent for booking %s", booking.reference)
