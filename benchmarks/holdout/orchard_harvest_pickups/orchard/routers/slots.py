"""Pick-your-own time slots: browse, book and cancel."""
import datetime as dt
import logging
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth import current_user
from ..db import get_session, session_scope
from ..models import Farm, PickSlot, SlotBooking, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/slots", tags=["slots"])
ORCHARD_TZ = ZoneInfo("America/New_York")
SLOT_TEMPLATE = [(dt.time(8, 0), dt.time(10, 0)), (dt.time(10, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(15, 0))]


class BookingIn(BaseModel):
    party_size: int = Field(ge=1, le=8)


class BookingOut(BaseModel):
    id: int
    slot_id: int
    party_size: int
    status: str


@router.get("")
def list_open_slots(farm: str, day: dt.date, session: Session = Depends(get_session)) -> list[dict]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=ORCHARD_TZ)
    booked = func.coalesce(func.sum(SlotBooking.party_size), 0)
    stmt = (
        select(PickSlot, booked.label("booked"))
        .join(Farm, Farm.id == PickSlot.farm_id)
        .outerjoin(SlotBooking, (SlotBooking.slot_id == PickSlot.id) & (SlotBooking.status == "active"))
        .where(Farm.slug == farm, PickSlot.starts_at >= start, PickSlot.starts_at < start + dt.timedelta(days=1))
        .group_by(PickSlot.id)
        .order_by(PickSlot.starts_at)
        .limit(50)
    )
    return [
        {"id": slot.id, "crop": slot.crop, "starts_at": slot.starts_at, "ends_at": slot.ends_at,
         "spots_left": max(slot.capacity - booked_count, 0)}
        for slot, booked_count in session.execute(stmt)
    ]


@router.post("/{slot_id}/bookings", status_code=status.HTTP_201_CREATED, response_model=BookingOut)
def book_slot(slot_id: int, body: BookingIn, user: User = Depends(current_user),
              session: Session = Depends(get_session)):
    slot = session.get(PickSlot, slot_id)
    if slot is None or slot.starts_at <= dt.datetime.now(dt.timezone.utc):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such upcoming slot")
    booked = session.scalar(
        select(func.coalesce(func.sum(SlotBooking.party_size), 0))
        .where(SlotBooking.slot_id == slot_id, SlotBooking.status == "active")
    )
    if booked + body.party_size > slot.capacity:
        raise HTTPException(status.HTTP_409_CONFLICT, "That slot is full")
    booking = SlotBooking(slot_id=slot_id, user_id=user.id, party_size=body.party_size, status="active")
    session.add(booking)  # expect: DB005
    session.commit()
    logger.info("user %s booked slot %s for %d", user.id, slot_id, body.party_size)
    return booking


@router.get("/bookings/mine", response_model=list[BookingOut])
def my_bookings(user: User = Depends(current_user), session: Session = Depends(get_session)):
    stmt = (
        select(SlotBooking)
        .where(SlotBooking.user_id == user.id)
        .order_by(SlotBooking.created_at.desc())
        .limit(50)
    )
    return session.scalars(stmt).all()


@router.delete("/bookings/{booking_id}", status_code=status.HTTP_204_NO_CONTENT)
def cancel_booking(booking_id: int, user: User = Depends(current_user),
                   session: Session = Depends(get_session)) -> None:
    booking = session.get(SlotBooking, booking_id)  # expect: SEC018
    if booking is None or booking.status != "active":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such booking")
    booking.status = "cancelled"
    session.commit()
    logger.info("booking %s cancelled by user %s", booking_id, user.id)


def generate_upcoming_week(capacity: int = 40) -> int:
    """Create next week's slots from the template for every farm."""
    today = dt.date.today()
    first = dt.datetime.combine(today + dt.timedelta(days=7), dt.time.min, tzinfo=ORCHARD_TZ)
    last = first + dt.timedelta(days=7)
    created = 0
    with session_scope() as session:
        farm_ids = session.scalars(select(Farm.id).order_by(Farm.id)).all()
        existing = set(session.execute(
            select(PickSlot.farm_id, PickSlot.starts_at)
            .where(PickSlot.starts_at >= first, PickSlot.starts_at < last)
        ).all())
        for farm_id in farm_ids:
            for offset in range(7):
                day = first.date() + dt.timedelta(days=offset)
                for start_t, end_t in SLOT_TEMPLATE:
                    starts_at = dt.datetime.combine(day, start_t, tzinfo=ORCHARD_TZ)
                    if (farm_id, starts_at) in existing:
                        continue
                    session.add(PickSlot(farm_id=farm_id, crop="apples", starts_at=starts_at,
                                         ends_at=dt.datetime.combine(day, end_t, tzinfo=ORCHARD_TZ),
                                         capacity=capacity))
                    created += 1
    logger.info("generated %d pick slots for the week of %s", created, first.date())
    return created
