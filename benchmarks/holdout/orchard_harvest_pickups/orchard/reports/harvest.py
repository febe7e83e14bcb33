"""Staff harvest reports: daily totals per crop and the picker log for a day."""
import datetime as dt
import logging
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..auth import current_user
from ..db import get_session
from ..models import Farm, PickSlot, SlotBooking, User, WeighReading

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/reports/harvest", tags=["reports"])
ORCHARD_TZ = ZoneInfo("America/New_York")


def _staff(user: User = Depends(current_user)) -> User:
    if not user.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Staff only")
    return user


def _farm_id(session: Session, slug: str) -> int:
    farm_id = session.scalar(select(Farm.id).where(Farm.slug == slug))
    if farm_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Unknown farm")
    return farm_id


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=ORCHARD_TZ)
    return start, start + dt.timedelta(days=1)


@router.get("/daily")
def daily_totals(farm: str, day: dt.date, _: User = Depends(_staff),
                 session: Session = Depends(get_session)) -> dict:
    farm_id = _farm_id(session, farm)
    start, end = _day_bounds(day)
    rows = session.execute(  # ok: DB006
        select(WeighReading.crop, func.count(), func.sum(WeighReading.gross_kg - WeighReading.tare_kg))
        .where(WeighReading.farm_id == farm_id, WeighReading.recorded_at >= start, WeighReading.recorded_at < end)
        .group_by(WeighReading.crop)
        .order_by(WeighReading.crop)
    ).all()
    return {
        "farm": farm,
        "day": day.isoformat(),
        "crops": [{"crop": crop, "crates": n, "net_kg": str(kg or 0)} for crop, n, kg in rows],
    }


@router.get("/pickers")
def picker_log(farm: str, day: dt.date, page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=200),
               _: User = Depends(_staff), session: Session = Depends(get_session)) -> dict:
    """Who came to pick on a day and how much each party took home."""
    farm_id = _farm_id(session, farm)
    start, end = _day_bounds(day)
    bookings = session.scalars(
        select(SlotBooking)
        .join(PickSlot, PickSlot.id == SlotBooking.slot_id)
        .where(PickSlot.farm_id == farm_id, PickSlot.starts_at >= start, PickSlot.starts_at < end,
               SlotBooking.status == "active")
        .options(selectinload(SlotBooking.slot))
        .order_by(PickSlot.starts_at, SlotBooking.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    weights = dict(session.execute(
        select(WeighReading.booking_id, func.sum(WeighReading.gross_kg - WeighReading.tare_kg))
        .where(WeighReading.booking_id.in_([b.id for b in bookings]))
        .group_by(WeighReading.booking_id)
    ).all()) if bookings else {}
    entries = [
        {
            "booking_id": b.id,
            "slot": b.slot.starts_at.astimezone(ORCHARD_TZ).strftime("%H:%M"),  # ok: DB001
            "party_size": b.party_size,
            "net_kg": str(weights.get(b.id, 0)),
        }
        for b in bookings
    ]
    return {"farm": farm, "day": day.isoformat(), "page": page, "pickers": entries}
