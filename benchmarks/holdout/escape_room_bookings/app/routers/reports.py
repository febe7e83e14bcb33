"""Manager reports: booking list for a period and room occupancy."""
import logging
from datetime import date, datetime, time, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import require_role
from app.db import get_session
from app.models import Booking, Room, Slot

log = logging.getLogger(__name__)
router = APIRouter(prefix="/reports", tags=["reports"], dependencies=[Depends(require_role("manager"))])


@router.get("/bookings")
async def bookings_report(since: str, room: str | None = None, session: AsyncSession = Depends(get_session)):
    """Every booking from ``since`` on, with the customer's contact details, for the front desk."""
    sql = (
        "SELECT b.id, r.name AS room, s.starts_at, b.players, b.status, b.deposit_status, "
        "c.full_name, c.email, c.phone "
        "FROM bookings b "
        "JOIN slots s ON s.id = b.slot_id "
        "JOIN rooms r ON r.id = s.room_id "
        "JOIN customers c ON c.id = b.customer_id "
        f"WHERE s.starts_at >= '{since}'"
    )
    if room:
        sql += f" AND r.slug = '{room}'"
    result = await session.execute(text(sql + " ORDER BY s.starts_at"))  # expect: SEC001
    rows = result.fetchall()  # expect: DB002, RES003
    log.info("bookings report since %s: %s rows", since, len(rows))
    return {"since": since, "bookings": [dict(row._mapping) for row in rows]}


@router.get("/occupancy")
async def occupancy(month: str = Query(..., pattern=r"^\d{4}-\d{2}$"),
                    session: AsyncSession = Depends(get_session)):
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail="month must be YYYY-MM")
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    start = datetime.combine(first, time.min, tzinfo=timezone.utc)
    end = datetime.combine(nxt, time.min, tzinfo=timezone.utc)
    live = and_(Booking.slot_id == Slot.id, Booking.status == "confirmed")
    stmt = (select(Room.slug, func.count(Slot.id), func.count(Booking.id),
                   func.coalesce(func.sum(Booking.players), 0))
            .select_from(Slot)
            .join(Room, Room.id == Slot.room_id)
            .outerjoin(Booking, live)
            .where(Slot.starts_at >= start, Slot.starts_at < end)
            .group_by(Room.slug)
            .order_by(Room.slug))
    rows = (await session.execute(stmt)).all()
    return {"month": month, "rooms": [
        {"room": slug, "slots": slots, "booked": booked, "players": players,
         "occupancy": round(booked / slots, 3) if slots else 0.0}
        for slug, slots, booked, players in rows
    ]}
