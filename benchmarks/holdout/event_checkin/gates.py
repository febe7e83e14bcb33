"""Re-entry scans: attendees leaving and coming back through a gate."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from checkin import parse_qr, verify_qr
from models import Event, GateMovement, Ticket, get_session
from security import Scanner, current_scanner

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/gates", tags=["gates"])


class MovementIn(BaseModel):
    payload: str = Field(min_length=10, max_length=256)
    scan_id: str = Field(min_length=8, max_length=64)
    direction: Literal["in", "out"]


class MovementOut(BaseModel):
    ticket_id: int
    direction: str
    inside: int
    duplicate: bool = False


@router.post("/movements", response_model=MovementOut)
async def record_movement(
    body: MovementIn,
    scanner: Scanner = Depends(current_scanner),
    session: AsyncSession = Depends(get_session),
) -> MovementOut:
    code, signature = parse_qr(body.payload)
    verify_qr(code, signature)
    ticket = (
        await session.execute(
            select(Ticket).where(Ticket.code == code, Ticket.event_id == scanner.event_id)
        )
    ).scalar_one_or_none()
    if ticket is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ticket not valid for this event")

    inserted = await session.execute(
        insert(GateMovement)
        .values(
            event_id=scanner.event_id,
            ticket_id=ticket.id,
            scan_id=body.scan_id,
            direction=body.direction,
        )
        .on_conflict_do_nothing(constraint="uq_movement_scan")  # ok: DB005
        .returning(GateMovement.id)
    )
    if inserted.scalar_one_or_none() is None:
        await session.rollback()
        inside = await session.scalar(select(Event.inside).where(Event.id == scanner.event_id))
        return MovementOut(ticket_id=ticket.id, direction=body.direction, inside=inside, duplicate=True)

    if body.direction == "in":
        stmt = (
            update(Event)
            .where(Event.id == scanner.event_id, Event.inside < Event.capacity)
            .values(inside=Event.inside + 1)  # ok: DB004
            .returning(Event.inside)
        )
    else:
        stmt = (
            update(Event)
            .where(Event.id == scanner.event_id, Event.inside > 0)
            .values(inside=Event.inside - 1)  # ok: DB004
            .returning(Event.inside)
        )
    inside = (await session.execute(stmt)).scalar_one_or_none()
    if inside is None:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "venue at capacity")
    await session.commit()

    logger.info(
        "movement ticket=%s dir=%s gate=%s inside=%s",
        ticket.id, body.direction, scanner.gate_id, inside,
    )
    return MovementOut(ticket_id=ticket.id, direction=body.direction, inside=inside)


class MovementRow(BaseModel):
    ticket_id: int
    direction: str
    created_at: datetime


@router.get("/movements", response_model=list[MovementRow])
async def list_movements(
    before_id: int | None = None,
    limit: int = Query(100, ge=1, le=500),
    scanner: Scanner = Depends(current_scanner),
    session: AsyncSession = Depends(get_session),
) -> list[MovementRow]:
    stmt = select(GateMovement).where(GateMovement.event_id == scanner.event_id)
    if before_id is not None:
        stmt = stmt.where(GateMovement.id < before_id)
    rows = (await session.scalars(stmt.order_by(GateMovement.id.desc()).limit(limit))).all()  # ok: DB002
    return [MovementRow(ticket_id=r.ticket_id, direction=r.direction, created_at=r.created_at) for r in rows]
