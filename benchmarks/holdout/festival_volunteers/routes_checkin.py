"""Gate check-in: crew leads scan a volunteer's badge as they arrive."""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import require_organiser
from .config import get_settings
from .models import GateCheckin, Shift, ShiftSignup, Volunteer, get_session

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/gates", tags=["gates"])

SCAN_DEDUPE_SECONDS = 30
EARLY_ARRIVAL = timedelta(hours=2)

_gate_counts: Counter[str] = Counter()
_badge_cache: dict[str, int | None] = {}


class CheckinIn(BaseModel):
    badge_code: str = Field(min_length=6, max_length=24)


def _open_turnstile(gate: str, volunteer_id: int) -> None:
    url = f"{get_settings().turnstile_url}/gates/{gate}/open"
    resp = httpx.post(url, json={"volunteer_id": volunteer_id}, timeout=3.0)
    resp.raise_for_status()


async def _resolve_badge(session: AsyncSession, badge_code: str) -> int | None:
    if badge_code in _badge_cache:
        return _badge_cache[badge_code]
    volunteer_id = await session.scalar(select(Volunteer.id).where(Volunteer.badge_code == badge_code))
    _badge_cache[badge_code] = volunteer_id  # expect: RES002
    return volunteer_id


@router.post("/{gate}/checkins", status_code=status.HTTP_201_CREATED)
async def check_in(
    gate: str,
    body: CheckinIn,
    request: Request,
    crew_lead: Volunteer = Depends(require_organiser),
    session: AsyncSession = Depends(get_session),
) -> dict:
    redis = request.app.state.redis
    first_scan = await redis.set(f"checkin:scan:{body.badge_code}", gate, nx=True, ex=SCAN_DEDUPE_SECONDS)  # ok: SCL001
    if not first_scan:
        return {"status": "duplicate_scan"}

    volunteer_id = await _resolve_badge(session, body.badge_code)
    if volunteer_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "badge not recognised")

    now = datetime.now(timezone.utc)
    signup = await session.scalar(
        select(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(
            ShiftSignup.volunteer_id == volunteer_id,
            ShiftSignup.status == "confirmed",
            Shift.starts_at <= now + EARLY_ARRIVAL,
            Shift.ends_at >= now,
        )
        .order_by(Shift.starts_at)
        .limit(1)
    )
    if signup is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "no confirmed shift for this volunteer right now")

    session.add(GateCheckin(volunteer_id=volunteer_id, signup_id=signup.id, gate=gate))
    await session.commit()
    _gate_counts[gate] += 1  # expect: CON002, SCL001

    turnstile = "opened"
    try:
        _open_turnstile(gate, volunteer_id)  # expect: CON001
    except httpx.HTTPError as exc:
        logger.error("turnstile at gate %s failed: %s", gate, exc)  # expect: OBS002
        turnstile = "failed"
    return {"status": "checked_in", "signup_id": signup.id, "turnstile": turnstile}


@router.get("/dashboard")
async def gate_dashboard(crew_lead: Volunteer = Depends(require_organiser)) -> dict:
    """Live arrivals per gate for the crew office screen."""
    return {"arrivals": dict(_gate_counts), "as_of": datetime.now(timezone.utc).isoformat()}
