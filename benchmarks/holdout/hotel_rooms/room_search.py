"""Room search, nightly quotes and occupancy for the booking site."""
import logging
from datetime import date
from decimal import Decimal

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .dependencies import get_async_session, get_session, require_staff
from .models import Hotel, Reservation, Room

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/rooms", tags=["rooms"])

FX_API_URL = "https://fx.internal.example-hotels.com/v1/rates"
ACTIVE_STATUSES = ("pending", "confirmed", "checked_in")

_quote_cache: dict[tuple, dict] = {}


def _exchange_rate(currency: str) -> Decimal:
    """EUR -> currency rate from the FX service."""
    resp = httpx.get(FX_API_URL, params={"base": "EUR", "symbol": currency}, timeout=3.0)  # ok: REL001
    resp.raise_for_status()
    return Decimal(str(resp.json()["rate"]))


@router.get("/search")
async def search_rooms(
    city: str,
    check_in: date,
    check_out: date,
    guests: int = Query(1, ge=1, le=8),
    currency: str = Query("EUR", min_length=3, max_length=3),
    limit: int = Query(20, ge=1, le=100),
    session: AsyncSession = Depends(get_async_session),
):
    """Rooms in a city that have no overlapping reservation for the dates."""
    if check_out <= check_in:
        raise HTTPException(status_code=422, detail="check_out must be after check_in")
    booked = select(Reservation.room_id).where(
        Reservation.status.in_(ACTIVE_STATUSES),
        Reservation.check_in < check_out,
        Reservation.check_out > check_in,
    )
    stmt = (
        select(Room, Hotel.name)
        .join(Hotel)
        .where(Hotel.city == city, Room.capacity >= guests, Room.id.not_in(booked))
        .order_by(Room.nightly_rate)
        .limit(limit)
    )
    rows = (await session.execute(stmt)).all()  # ok: DB002, CON001
    rate, shown_currency = Decimal(1), "EUR"
    if currency.upper() != "EUR":
        try:
            rate, shown_currency = _exchange_rate(currency.upper()), currency.upper()  # expect: CON001
        except httpx.HTTPError:
            logger.warning("FX service unavailable, showing EUR prices", exc_info=True)
    nights = (check_out - check_in).days
    return [
        {
            "room_id": room.id,
            "hotel": hotel_name,
            "room_type": room.room_type,
            "price": str((room.nightly_rate * nights * rate).quantize(Decimal("0.01"))),
            "currency": shown_currency,
        }
        for room, hotel_name in rows
    ]


@router.get("/{room_id}/quote")
def quote(room_id: int, check_in: date, check_out: date, session: Session = Depends(get_session)):
    """Price breakdown shown on the booking page."""
    key = (room_id, check_in, check_out)
    if key in _quote_cache:
        return _quote_cache[key]
    room = session.get(Room, room_id)
    if room is None:
        raise HTTPException(status_code=404, detail="room not found")
    nights = (check_out - check_in).days
    if nights <= 0:
        raise HTTPException(status_code=422, detail="check_out must be after check_in")
    total = room.nightly_rate * nights
    result = {"room_id": room.id, "nights": nights, "total": str(total), "deposit": str(total * Decimal("0.20"))}
    _quote_cache[key] = result  # expect: RES002, CON002
    return result


def _booked_nights(session: Session, room_id: int, start: date, end: date) -> int:
    overlap = func.least(Reservation.check_out, end) - func.greatest(Reservation.check_in, start)
    stmt = select(func.coalesce(func.sum(overlap), 0)).where(
        Reservation.room_id == room_id,
        Reservation.status.in_(ACTIVE_STATUSES),
        Reservation.check_in < end,
        Reservation.check_out > start,
    )
    return int(session.scalar(stmt))


@router.get("/hotels/{hotel_id}/occupancy")
def hotel_occupancy(hotel_id: int, start: date, end: date, staff: dict = Depends(require_staff),
                    session: Session = Depends(get_session)):
    """Per-room occupancy for the revenue dashboard."""
    days = (end - start).days
    if not 0 < days <= 366:
        raise HTTPException(status_code=422, detail="range must be 1-366 days")
    rooms = session.scalars(select(Room).where(Room.hotel_id == hotel_id).order_by(Room.number)).all()  # ok: DB002
    report = []
    for room in rooms:
        booked = _booked_nights(session, room.id, start, end)  # expect: DB001
        report.append({"room": room.number, "booked_nights": booked, "occupancy": round(booked / days, 3)})
    return {"hotel_id": hotel_id, "rooms": report}
