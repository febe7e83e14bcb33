"""Transactional e-mail (order receipts, visit reminders) through the mail provider's HTTP API."""
import asyncio
import base64
import logging
import random
from datetime import datetime
from functools import lru_cache

import httpx

from app.config import get_settings
from app.services.qr import qr_png

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4


class MailDeliveryError(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _mail_client() -> httpx.AsyncClient:
    settings = get_settings()
    return httpx.AsyncClient(
        base_url=settings.mail_api_url,
        headers={"Authorization": f"Bearer {settings.mail_api_token.get_secret_value()}"},
        timeout=httpx.Timeout(10.0, connect=3.0),  # ok: REL001
    )


async def _post_email(message: dict, message_key: str) -> None:
    """Send one message; the provider drops repeats of the same Idempotency-Key."""
    client = _mail_client()
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            resp = await client.post("/messages", json=message, headers={"Idempotency-Key": message_key})
        except httpx.TransportError as exc:
            logger.warning("mail API unreachable for %s (attempt %d/%d): %s", message_key, attempt, MAX_ATTEMPTS, exc)
        else:
            if resp.status_code < 500:
                resp.raise_for_status()
                return
            logger.warning("mail API returned %d for %s (attempt %d/%d)", resp.status_code, message_key, attempt, MAX_ATTEMPTS)
        if attempt < MAX_ATTEMPTS:
            await asyncio.sleep(min(2 ** attempt, 20) + random.random())
    raise MailDeliveryError(f"mail API failed after {MAX_ATTEMPTS} attempts for {message_key}")


async def send_order_receipt(order_id: int, email: str, ticket_payloads: list[str]) -> None:
    settings = get_settings()
    attachments = [
        {
            "name": f"ticket-{i + 1}.png",
            "content_type": "image/png",
            "content": base64.b64encode(qr_png(payload)).decode(),
        }
        for i, payload in enumerate(ticket_payloads)
    ]
    message = {
        "from": settings.mail_from,
        "to": email,
        "template": "order-receipt",
        "variables": {"order_id": order_id, "ticket_count": len(ticket_payloads)},
        "attachments": attachments,
    }
    await _post_email(message, f"order-receipt-{order_id}")


async def send_visit_reminder(email: str, order_id: int, starts_at: datetime) -> None:
    settings = get_settings()
    message = {
        "from": settings.mail_from,
        "to": email,
        "template": "visit-reminder",
        "variables": {"order_id": order_id, "starts_at": starts_at.isoformat()},
    }
    await _post_email(message, f"visit-reminder-{order_id}")
