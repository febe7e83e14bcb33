"""Customer notifications (boarding passes, sailing changes) with at-most-once delivery."""
from __future__ import annotations

import asyncio
import base64
import io
import logging
import random
from datetime import datetime, timezone

import httpx
import qrcode
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ferry.config import get_settings
from ferry.models import Customer, DeckBooking, NotificationLog

logger = logging.getLogger("ferry.notifications")
settings = get_settings()

_timeout = httpx.Timeout(settings.outbound_read_timeout, connect=settings.outbound_connect_timeout)
_client = httpx.AsyncClient(timeout=_timeout)  # ok: REL001
MAX_ATTEMPTS = 4


def render_pass_png(reference: str, sailing_id: int) -> str:
    buf = io.BytesIO()
    qrcode.make(f"{reference}:{sailing_id}", box_size=8).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


async def _claim(session: AsyncSession, booking: DeckBooking, channel: str, kind: str) -> str | None:
    """Insert the log row first; a second caller for the same message gets nothing back."""
    dedup_key = f"{kind}:{booking.reference}:{channel}"
    stmt = (
        insert(NotificationLog)
        .values(booking_id=booking.id, channel=channel, dedup_key=dedup_key)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(NotificationLog.id)
    )
    claimed = (await session.execute(stmt)).scalar_one_or_none()  # ok: DB005
    await session.commit()
    return dedup_key if claimed is not None else None


async def _post_with_retry(url: str, token: str, body: dict, dedup_key: str) -> dict:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": dedup_key}
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            resp = await _client.post(url, headers=headers, json=body)  # ok: REL003
            if resp.status_code < 500:
                resp.raise_for_status()
                return resp.json()
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            if isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code < 500:
                raise
            logger.warning("send %s failed on attempt %d: %s", dedup_key, attempt, type(exc).__name__)
        await asyncio.sleep(min(30, 2**attempt) + random.uniform(0, 1))
    raise RuntimeError(f"gave up sending {dedup_key} after {MAX_ATTEMPTS} attempts")


async def _mark_sent(session: AsyncSession, dedup_key: str, message_id: str | None) -> None:
    await session.execute(
        update(NotificationLog)
        .where(NotificationLog.dedup_key == dedup_key)
        .values(sent_at=datetime.now(timezone.utc), provider_message_id=message_id)
    )
    await session.commit()


async def notify_boarding_pass(session: AsyncSession, booking: DeckBooking, customer: Customer) -> None:
    png_b64 = await asyncio.to_thread(render_pass_png, booking.reference, booking.sailing_id)  # ok: CON001
    key = await _claim(session, booking, "email", "boarding-pass")
    if key is not None:
        result = await _post_with_retry(
            settings.mail_api_url,
            settings.mail_api_token,
            {
                "to": customer.email,
                "template": "boarding-pass",
                "model": {"reference": booking.reference},
                "attachments": [{"name": f"{booking.reference}.png", "content": png_b64, "type": "image/png"}],
            },
            key,
        )
        await _mark_sent(session, key, result.get("message_id"))
    if customer.phone:
        key = await _claim(session, booking, "sms", "boarding-pass")
        if key is not None:
            result = await _post_with_retry(
                settings.sms_gateway_url,
                settings.sms_gateway_token,
                {"to": customer.phone, "text": f"Ferry booking {booking.reference}: boarding pass in your e-mail"},
                key,
            )
            await _mark_sent(session, key, result.get("id"))
    logger.info("boarding pass notifications done for booking %s", booking.reference)
