"""Customer-facing booking endpoints."""
import logging
import pickle
from datetime import date, datetime, time, timedelta, timezone

import stripe
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_customer
from ..config import get_settings
from ..db import get_session
from ..models import Appointment, AppointmentStatus, Customer, Pet

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/appointments", tags=["appointments"])
settings = get_settings()
redis = Redis.from_url(str(settings.redis_url), socket_timeout=2, socket_connect_timeout=2)

SERVICE_PRICES = {"bath": 4500, "full_groom": 8500, "nail_trim": 1500, "deshed": 6500}
MAX_DOGS_PER_GROOMER_PER_DAY = 6
SLOT_MINUTES = 90
OPENING, CLOSING = time(9, 0), time(17, 0)


class BookingIn(BaseModel):
    pet_id: int
    groomer_id: int
    starts_at: datetime
    service_code: str
    payment_method_id: str


async def _cached_slots(key: str):
    raw = await redis.get(key)  # todo-expect: ERR003
    return pickle.loads(raw) if raw else None  # expect: SEC004


@router.get("/slots")
async def open_slots(groomer_id: int, day: date, session: AsyncSession = Depends(get_session)):
    key = f"slots:{groomer_id}:{day.isoformat()}"
    cached = await _cached_slots(key)
    if cached is not None:
        return {"groomer_id": groomer_id, "day": day, "slots": cached}
    start = datetime.combine(day, OPENING, tzinfo=timezone.utc)
    end = datetime.combine(day, CLOSING, tzinfo=timezone.utc)
    booked = set(
        (await session.execute(
            select(Appointment.starts_at).where(
                Appointment.groomer_id == groomer_id,
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
                Appointment.status != AppointmentStatus.CANCELLED,
            )
        )).scalars()
    )
    slots, cursor = [], start
    while cursor + timedelta(minutes=SLOT_MINUTES) <= end:
        if cursor not in booked:
            slots.append(cursor.isoformat())
        cursor += timedelta(minutes=SLOT_MINUTES)
    await redis.set(key, pickle.dumps(slots), ex=60)
    return {"groomer_id": groomer_id, "day": day, "slots": slots}


@router.post("", status_code=status.HTTP_201_CREATED)
async def book(body: BookingIn, customer: Customer = Depends(current_customer),
               session: AsyncSession = Depends(get_session)):
    pet = await session.get(Pet, body.pet_id)
    if pet is None or pet.owner_id != customer.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "pet not found")
    if body.service_code not in SERVICE_PRICES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown service")

    day_start = datetime.combine(body.starts_at.date(), time.min, tzinfo=body.starts_at.tzinfo)
    booked_that_day = await session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.groomer_id == body.groomer_id,
            Appointment.starts_at >= day_start,
            Appointment.starts_at < day_start + timedelta(days=1),
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    )
    if booked_that_day >= MAX_DOGS_PER_GROOMER_PER_DAY:
        raise HTTPException(status.HTTP_409_CONFLICT, "groomer is fully booked that day")

    intent = stripe.PaymentIntent.create(  # expect: CON001, REL003, REL004
        amount=settings.deposit_cents,
        currency="eur",
        payment_method=body.payment_method_id,
        confirm=True,
        metadata={"customer_id": customer.id, "pet_id": pet.id},
        api_key=settings.stripe_api_key.get_secret_value(),
    )
    appointment = Appointment(
        customer_id=customer.id, pet_id=pet.id, groomer_id=body.groomer_id,
        starts_at=body.starts_at, service_code=body.service_code,
        price_cents=SERVICE_PRICES[body.service_code],
        status=AppointmentStatus.CONFIRMED, payment_intent_id=intent.id,
    )
    session.add(appointment)  # expect: DB005
    await session.commit()
    await redis.delete(f"slots:{body.groomer_id}:{body.starts_at.date().isoformat()}")
    logger.info("appointment booked id=%s groomer=%s", appointment.id, body.groomer_id)
    return {"id": appointment.id, "status": appointment.status}


@router.get("/{appointment_id}")
async def get_appointment(appointment_id: int, customer: Customer = Depends(current_customer),
                          session: AsyncSession = Depends(get_session)):
    appointment = await session.get(Appointment, appointment_id)  # expect: SEC018
    if appointment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "appointment not found")
    return {
        "id": appointment.id, "pet_id": appointment.pet_id, "groomer_id": appointment.groomer_id,
        "starts_at": appointment.starts_at, "service": appointment.service_code,
        "price_cents": appointment.price_cents, "status": appointment.status,
    }
