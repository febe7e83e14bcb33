"""Turnstile scan acceptance for v2 gates (signed device tokens, shared passback)."""
from __future__ import annotations

import logging
from datetime import date, datetime

import redis.asyncio as aioredis
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import get_redis, get_session
from app.models import Scan, SkiPass
from app.security import GateDevice, Principal, current_gate, require_role

router = APIRouter(prefix="/v2/gates", tags=["gates"])
log = logging.getLogger("lifts.gates")

PASSBACK_WINDOW_S = 90


class ScanRequest(BaseModel):
    barcode: str = Field(min_length=6, max_length=32)


class ScanResult(BaseModel):
    open: bool
    reason: str | None = None
    rides_remaining: int | None = None


def _consume_ride(barcode: str, today: date):
    """One statement: validate the pass and take a ride off points cards."""
    return (
        update(SkiPass)
        .where(
            SkiPass.barcode == barcode,
            SkiPass.status == "active",
            SkiPass.valid_from <= today,
            SkiPass.valid_to >= today,
            or_(SkiPass.kind != "points", SkiPass.rides_remaining > 0),
        )
        .values(
            rides_remaining=case(
                (SkiPass.kind == "points", SkiPass.rides_remaining - 1),
                else_=SkiPass.rides_remaining,
            )
        )
        .returning(SkiPass.id, SkiPass.rides_remaining)
    )


@router.post("/scan", response_model=ScanResult)
async def accept_scan(
    body: ScanRequest,
    gate: GateDevice = Depends(current_gate),
    session: AsyncSession = Depends(get_session),
    redis: aioredis.Redis = Depends(get_redis),
) -> ScanResult:
    passback_key = f"passback:{body.barcode}"
    first = await redis.set(passback_key, gate.lift_id, nx=True, ex=PASSBACK_WINDOW_S)  # ok: SCL001, CON002
    if not first:
        return ScanResult(open=False, reason="passback")

    row = (await session.execute(_consume_ride(body.barcode, date.today()))).first()  # ok: DB004
    if row is None:
        await session.rollback()
        await redis.delete(passback_key)
        return ScanResult(open=False, reason="not valid")

    session.add(Scan(pass_id=row.id, lift_id=gate.lift_id, gate_id=gate.gate_id))
    await session.commit()
    log.info("gate=%s lift=%s pass=%s opened", gate.gate_id, gate.lift_id, row.id)
    return ScanResult(open=True, rides_remaining=row.rides_remaining)


@router.get("/{lift_id}/scans")
async def recent_scans(
    lift_id: int,
    before: datetime | None = None,
    limit: int = Query(100, ge=1, le=500),
    _: Principal = Depends(require_role("ops")),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    stmt = select(Scan).where(Scan.lift_id == lift_id)
    if before is not None:
        stmt = stmt.where(Scan.scanned_at < before)
    stmt = stmt.order_by(Scan.scanned_at.desc()).limit(limit)
    scans = (await session.scalars(stmt)).all()  # ok: DB002
    return [{"pass_id": s.pass_id, "gate": s.gate_id, "at": s.scanned_at.isoformat()} for s in scans]
