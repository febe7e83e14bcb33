"""Turnstile scan endpoint (v1 protocol, still used by the older Skidata gates)."""
from __future__ import annotations

import logging
import time
from datetime import date

import jwt
from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import get_session
from app.models import Scan, SkiPass
from app.security import Principal, require_role

router = APIRouter(prefix="/gates", tags=["gates"])
log = logging.getLogger("lifts.gates")

PASSBACK_WINDOW_S = 90
# barcode -> monotonic time of the last accepted scan
_last_accepted: dict[str, float] = {}


class ScanIn(BaseModel):
    barcode: str = Field(min_length=6, max_length=32)
    lift_id: int


class ScanOut(BaseModel):
    open: bool
    reason: str | None = None
    rides_remaining: int | None = None


def _gate_claims(authorization: str) -> dict:
    token = authorization.removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    except jwt.DecodeError:
        raise HTTPException(401, "malformed gate token")
    if claims.get("typ") != "gate":
        raise HTTPException(403, "not a gate token")
    return claims


@router.post("/scan", response_model=ScanOut)
async def scan(
    body: ScanIn,
    authorization: str = Header(...),
    session: AsyncSession = Depends(get_session),
) -> ScanOut:
    gate = _gate_claims(authorization)
    now = time.monotonic()
    last = _last_accepted.get(body.barcode)
    if last is not None and now - last < PASSBACK_WINDOW_S:
        return ScanOut(open=False, reason="passback")

    ski_pass = await session.scalar(select(SkiPass).where(SkiPass.barcode == body.barcode))
    if ski_pass is None or ski_pass.status != "active":
        return ScanOut(open=False, reason="unknown or blocked pass")
    today = date.today()
    if not ski_pass.valid_from <= today <= ski_pass.valid_to:
        return ScanOut(open=False, reason="not valid today")

    if ski_pass.kind == "points":
        if ski_pass.rides_remaining < 1:
            return ScanOut(open=False, reason="no rides left")
        ski_pass.rides_remaining = ski_pass.rides_remaining - 1  # expect: DB004

    session.add(Scan(pass_id=ski_pass.id, lift_id=body.lift_id, gate_id=str(gate["sub"])))
    await session.commit()
    _last_accepted[body.barcode] = now  # expect: CON002, SCL001, RES002
    log.info("gate=%s lift=%s pass=%s opened", gate["sub"], body.lift_id, ski_pass.id)
    return ScanOut(open=True, rides_remaining=ski_pass.rides_remaining)


@router.get("/{lift_id}/scans")
async def lift_scans(
    lift_id: int,
    _: Principal = Depends(require_role("ops")),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    result = await session.scalars(
        select(Scan).where(Scan.lift_id == lift_id).order_by(Scan.scanned_at.desc())
    )
    scans = result.all()  # expect: DB002
    return [{"pass_id": s.pass_id, "gate": s.gate_id, "at": s.scanned_at.isoformat()} for s in scans]
