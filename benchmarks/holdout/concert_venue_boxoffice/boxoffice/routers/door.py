"""Ticket scanning at the doors: one admit per barcode, whichever gate sees it first."""
import logging
from datetime import datetime, timezone

import redis.asyncio as redis
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boxoffice.auth import DeviceClaims, door_device
from boxoffice.db import get_redis, get_session
from boxoffice.models import Seat, Ticket

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/door", tags=["door"])


class ScanBody(BaseModel):
    event_id: int
    code: str = Field(min_length=8, max_length=32)


class ScanResult(BaseModel):
    result: str
    seat: str | None = None
    scanned_at: datetime | None = None
    gate: str | None = None


@router.post("/scan", response_model=ScanResult)
async def scan(
    body: ScanBody,
    device: DeviceClaims = Depends(door_device),
    session: AsyncSession = Depends(get_session),
    r: redis.Redis = Depends(get_redis),
):
    now = datetime.now(timezone.utc)
    admitted = await session.execute(
        update(Ticket)  # ok: DB005
        .where(
            Ticket.code == body.code,
            Ticket.event_id == body.event_id,
            Ticket.status == "valid",
            Ticket.scanned_at.is_(None),
        )
        .values(scanned_at=now, scanned_gate=device.gate)
        .returning(Ticket.id, Ticket.seat_id)
    )
    row = admitted.first()
    await session.commit()

    if row is not None:
        seat = await session.get(Seat, row.seat_id)
        await r.incr(f"door:{body.event_id}:{device.gate}")  # ok: CON002
        logger.info("admit ticket %s at gate %s (device %s)", row.id, device.gate, device.device_id)
        return ScanResult(result="admit", seat=f"{seat.section} {seat.row_label}{seat.number}")

    ticket = await session.scalar(select(Ticket).where(Ticket.code == body.code, Ticket.event_id == body.event_id))
    if ticket is None:
        logger.info("unknown code at gate %s (device %s)", device.gate, device.device_id)
        return ScanResult(result="unknown")
    if ticket.scanned_at is not None:
        logger.warning("duplicate scan of ticket %s at gate %s, first at %s", ticket.id, device.gate, ticket.scanned_gate)
        return ScanResult(result="already_scanned", scanned_at=ticket.scanned_at, gate=ticket.scanned_gate)
    return ScanResult(result=ticket.status)


@router.get("/events/{event_id}/counts")
async def gate_counts(event_id: int, device: DeviceClaims = Depends(door_device), r: redis.Redis = Depends(get_redis)):
    keys = [key async for key in r.scan_iter(match=f"door:{event_id}:*", count=100)]
    values = await r.mget(keys) if keys else []
    return {key.rsplit(":", 1)[-1]: int(value or 0) for key, value in zip(keys, values)}
