"""Public listing of clinics and their free appointment slots (cached briefly in Redis)."""
import json
import logging
from datetime import date, datetime, time, timedelta, timezone

import redis
from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import get_db, redis_client
from .models import Clinic, Slot

log = logging.getLogger(__name__)
router = APIRouter(tags=["slots"])

SLOT_CACHE_TTL_SECONDS = 30
MAX_WINDOW_DAYS = 28


class ClinicOut(BaseModel):
    id: int
    name: str
    city: str


class SlotOut(BaseModel):
    id: int
    starts_at: datetime
    free: int


@router.get("/clinics", response_model=list[ClinicOut])
def clinics(city: str = Query(min_length=2, max_length=80), db: Session = Depends(get_db)) -> list[ClinicOut]:
    rows = db.scalars(select(Clinic).where(Clinic.city == city.title()).order_by(Clinic.name)).all()  # ok: DB002
    return [ClinicOut(id=c.id, name=c.name, city=c.city) for c in rows]


def _load_free_slots(db: Session, clinic_id: int, start: date, days: int) -> list[dict]:
    window_start = datetime.combine(start, time.min, tzinfo=timezone.utc)
    window_end = window_start + timedelta(days=days)
    rows = db.execute(
        select(Slot.id, Slot.starts_at, (Slot.capacity - Slot.booked).label("free"))
        .where(
            Slot.clinic_id == clinic_id,
            Slot.starts_at >= max(window_start, datetime.now(timezone.utc)),
            Slot.starts_at < window_end,
            Slot.booked < Slot.capacity,
        )
        .order_by(Slot.starts_at)
        .limit(300)
    ).all()
    return [{"id": r.id, "starts_at": r.starts_at.isoformat(), "free": r.free} for r in rows]


@router.get("/clinics/{clinic_id}/slots", response_model=list[SlotOut])
def free_slots(
    clinic_id: int,
    start: date | None = None,
    days: int = Query(default=14, ge=1, le=MAX_WINDOW_DAYS),
    db: Session = Depends(get_db),
) -> list[SlotOut]:
    start = start or date.today()
    key = f"slots:{clinic_id}:{start.isoformat()}:{days}"
    cache = redis_client()
    try:
        cached = cache.get(key)
    except redis.RedisError:
        log.warning("slot cache read failed for %s", key, exc_info=True)
        cached = None
    if cached is not None:
        return [SlotOut(**s) for s in json.loads(cached)]

    if db.get(Clinic, clinic_id) is None:
        raise HTTPException(404, "clinic not found")
    slots = _load_free_slots(db, clinic_id, start, days)
    try:
        cache.setex(key, SLOT_CACHE_TTL_SECONDS, json.dumps(slots))  # ok: RES002
    except redis.RedisError:
        log.warning("slot cache write failed for %s", key, exc_info=True)
    return [SlotOut(**s) for s in slots]
