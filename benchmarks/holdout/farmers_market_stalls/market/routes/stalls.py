import asyncio
import logging
from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from market.db import Database, get_db
from market.security import Principal, require_vendor

log = logging.getLogger(__name__)
router = APIRouter(prefix="/stalls", tags=["stalls"])

MAX_STALLS_PER_WEEK = 2


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _stall_map(db: Database, market_id: int, week: date) -> list[dict]:
    return db.fetch_all(
        """
        SELECT s.id, s.code, s.size, s.fee_cents, s.has_power,
               (r.id IS NOT NULL) AS taken
          FROM stalls s
          LEFT JOIN rentals r
            ON r.stall_id = s.id AND r.week_start = %s AND r.status <> 'cancelled'
         WHERE s.market_id = %s
         ORDER BY s.code
        """,
        (week, market_id),
    )


@router.get("/map")
async def stall_map(market_id: int, week: date, db: Database = Depends(get_db)):
    start = week_start(week)
    stalls = _stall_map(db, market_id, start)  # expect: CON001
    free = sum(1 for s in stalls if not s["taken"])
    return {"market_id": market_id, "week_start": start.isoformat(), "free": free,
            "stalls": stalls}


class QuickBook(BaseModel):
    stall_id: int
    week: date


@router.post("/quick-book", status_code=201)
async def quick_book(body: QuickBook, vendor: Principal = Depends(require_vendor),
                     db: Database = Depends(get_db)):
    start = week_start(body.week)
    if start < week_start(date.today()):
        raise HTTPException(422, "cannot book a past week")

    booked = await asyncio.to_thread(
        db.fetch_one,
        "SELECT count(*) AS n FROM rentals "
        "WHERE vendor_id = %s AND week_start = %s AND status <> 'cancelled'",
        (vendor.vendor_id, start),
    )
    if booked["n"] >= MAX_STALLS_PER_WEEK:
        raise HTTPException(409, f"vendors may rent at most {MAX_STALLS_PER_WEEK} stalls a week")

    row = await asyncio.to_thread(  # expect: DB005
        db.fetch_one,
        "INSERT INTO rentals (stall_id, vendor_id, week_start, status) "
        "VALUES (%s, %s, %s, 'held') "
        "ON CONFLICT (stall_id, week_start) WHERE status <> 'cancelled' DO NOTHING "
        "RETURNING id",
        (body.stall_id, vendor.vendor_id, start),
    )
    if row is None:
        raise HTTPException(409, "stall already taken for that week")
    log.info("vendor %s held stall %s for week %s", vendor.vendor_id, body.stall_id, start)
    return {"rental_id": row["id"], "status": "held", "week_start": start.isoformat()}


@router.get("/{stall_id}")
async def stall_detail(stall_id: int, db: Database = Depends(get_db)):
    stall = await asyncio.to_thread(
        db.fetch_one,
        "SELECT id, market_id, code, size, fee_cents, has_power FROM stalls WHERE id = %s",
        (stall_id,),
    )
    if stall is None:
        raise HTTPException(404, "stall not found")
    return stall
