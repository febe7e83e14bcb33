"""Public timetable and deck availability, plus the check-in booth plate lookup."""
import logging
import time
from collections import deque
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ..db import get_session
from ..models import Lane, Reservation, Sailing
from ..ops_auth import StaffUser, require_role

log = logging.getLogger(__name__)
router = APIRouter(prefix="/sailings", tags=["sailings"])

LONDON = ZoneInfo("Europe/London")
WINDOW_S = 60
MAX_REQUESTS_PER_WINDOW = 30
_recent_requests: dict[str, deque] = {}


def _rate_limited(client_ip: str) -> bool:
    now = time.monotonic()
    hits = _recent_requests.setdefault(client_ip, deque())  # expect: SCL001, RES002
    while hits and now - hits[0] > WINDOW_S:
        hits.popleft()
    hits.append(now)
    return len(hits) > MAX_REQUESTS_PER_WINDOW


@router.get("")
async def timetable(request: Request, route: str = Query(min_length=2, max_length=12),
                    day: date = Query(), session: AsyncSession = Depends(get_session)) -> list[dict]:
    if _rate_limited(request.client.host):
        raise HTTPException(429, "Too many requests, slow down")
    start = datetime.combine(day, dtime.min, tzinfo=LONDON)
    result = await session.execute(
        select(Sailing)
        .where(Sailing.route_code == route.upper(), Sailing.departs_at >= start,
               Sailing.departs_at < start + timedelta(days=1))
        .options(selectinload(Sailing.lanes))
        .order_by(Sailing.departs_at)
    )
    return [
        {
            "id": s.id,
            "departs_at": s.departs_at.isoformat(),
            "vessel": s.vessel,
            "status": s.status,
            "delay_minutes": s.delay_minutes,
            "free_m": str(sum((lane.free_m for lane in s.lanes), Decimal("0"))),
        }
        for s in result.scalars()  # ok: DB001
    ]


@router.get("/{sailing_id}/availability")
async def availability(sailing_id: int, request: Request,
                       height_m: Decimal = Query(default=Decimal("2.0"), gt=0, le=Decimal("4.5")),
                       session: AsyncSession = Depends(get_session)) -> dict:
    if _rate_limited(request.client.host):
        raise HTTPException(429, "Too many requests, slow down")
    lanes = (await session.execute(
        select(Lane).where(Lane.sailing_id == sailing_id, Lane.max_height_m >= height_m)
    )).scalars().all()
    if not lanes:
        raise HTTPException(404, "No lanes for that sailing and vehicle height")
    return {"sailing_id": sailing_id,
            "longest_free_m": str(max(lane.free_m for lane in lanes)),
            "total_free_m": str(sum((lane.free_m for lane in lanes), Decimal("0")))}


@router.get("/checkin/plate/{registration}")
async def plate_lookup(registration: str, staff: StaffUser = Depends(require_role("checkin")),
                       session: AsyncSession = Depends(get_session)) -> list[dict]:
    plate = registration.upper().replace(" ", "")
    since = datetime.now(LONDON) - timedelta(hours=3)
    rows = await session.execute(
        select(Reservation.reference, Reservation.status, Sailing.id, Sailing.departs_at)
        .join(Sailing, Sailing.id == Reservation.sailing_id)
        .where(func.replace(func.upper(Reservation.vehicle_reg), " ", "") == plate,  # expect: DB006
               Sailing.departs_at >= since)
        .order_by(Sailing.departs_at)
        .limit(5)
    )
    log.info("plate lookup for %s by %s", plate, staff.subject)
    return [{"reference": ref, "status": st, "sailing_id": sid, "departs_at": dep.isoformat()}
            for ref, st, sid, dep in rows.all()]
