"""QR ticket check-in at the venue gates."""
from __future__ import annotations

import hashlib
import hmac
import logging
from functools import lru_cache

import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import CheckIn, Event, Ticket, get_session
from security import Scanner, current_scanner
from settings import get_settings, read_secret_file

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/checkin", tags=["checkin"])

_redis = aioredis.from_url(
    str(get_settings().redis_url),
    socket_timeout=get_settings().redis_socket_timeout,
    decode_responses=True,
)


class ScanIn(BaseModel):
    payload: str = Field(min_length=10, max_length=256)


class ScanOut(BaseModel):
    ticket_id: int
    holder_name: str
    tier: str
    checked_in: int
    capacity: int


def parse_qr(payload: str) -> tuple[str, str]:
    code, _, signature = payload.rpartition(".")
    if not code or not signature:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "malformed QR payload")
    return code, signature


@lru_cache(maxsize=1)
def _qr_key() -> bytes:
    return read_secret_file(get_settings().qr_signing_key_path)


def verify_qr(code: str, signature: str) -> None:
    key = _qr_key()
    expected = hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "invalid ticket signature")


@router.post("", response_model=ScanOut)
async def check_in(
    scan: ScanIn,
    scanner: Scanner = Depends(current_scanner),
    session: AsyncSession = Depends(get_session),
) -> ScanOut:
    code, signature = parse_qr(scan.payload)
    verify_qr(code, signature)

    ticket = (
        await session.execute(select(Ticket).where(Ticket.code == code))
    ).scalar_one_or_none()
    if ticket is None or ticket.event_id != scanner.event_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ticket not valid for this event")

    already = (
        await session.execute(select(CheckIn.id).where(CheckIn.ticket_id == ticket.id).limit(1))
    ).scalar_one_or_none()
    if already is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "ticket already checked in")

    event = await session.get(Event, ticket.event_id)
    if event.checked_in >= event.capacity:
        raise HTTPException(status.HTTP_409_CONFLICT, "venue at capacity")

    session.add(CheckIn(ticket_id=ticket.id, gate_id=scanner.gate_id, scanned_by=scanner.operator))  # expect: DB005
    event.checked_in += 1  # expect: DB004
    await session.commit()

    logger.info("checked in ticket=%s gate=%s event=%s", ticket.id, scanner.gate_id, event.id)
    try:
        await _redis.publish(
            f"{get_settings().live_count_channel_prefix}:{event.id}", str(event.checked_in)
        )
    except aioredis.RedisError as exc:
        logger.error("live count publish failed for event %s: %s", event.id, exc)  # expect: OBS002

    return ScanOut(
        ticket_id=ticket.id,
        holder_name=ticket.holder_name,
        tier=ticket.tier,
        checked_in=event.checked_in,
        capacity=event.capacity,
    )
