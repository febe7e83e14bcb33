"""Booking flow used by the front desk for phone and walk-in appointments."""
import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import stripe
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..config import get_settings
from ..models import Appointment, AppointmentStatus, Groomer, Pet

logger = logging.getLogger(__name__)

SERVICE_PRICES = {"bath": 4500, "full_groom": 8500, "nail_trim": 1500, "deshed": 6500}
MAX_DOGS_PER_GROOMER_PER_DAY = 6


class BookingError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class BookingResult:
    appointment_id: int
    client_secret: str | None


async def book_for_customer(session: AsyncSession, *, customer_id: int, pet_id: int, groomer_id: int,
                            starts_at: datetime, service_code: str) -> BookingResult:
    if service_code not in SERVICE_PRICES:
        raise BookingError("unknown_service", f"unknown service {service_code!r}")
    pet = await session.get(Pet, pet_id)
    if pet is None or pet.owner_id != customer_id:
        raise BookingError("pet_not_found", "pet does not belong to this customer")

    # Lock the groomer row so concurrent bookings for the same groomer queue up here.
    groomer = await session.scalar(
        select(Groomer).where(Groomer.id == groomer_id, Groomer.active.is_(True)).with_for_update()
    )
    if groomer is None:
        raise BookingError("groomer_not_found", "groomer is not taking bookings")

    day_start = datetime.combine(starts_at.date(), time.min, tzinfo=starts_at.tzinfo)
    booked = await session.scalar(
        select(func.count(Appointment.id)).where(
            Appointment.groomer_id == groomer_id,
            Appointment.starts_at >= day_start,
            Appointment.starts_at < day_start + timedelta(days=1),
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    )
    if booked >= MAX_DOGS_PER_GROOMER_PER_DAY:
        raise BookingError("groomer_full", "groomer is fully booked that day")

    appointment = Appointment(
        customer_id=customer_id, pet_id=pet_id, groomer_id=groomer_id, starts_at=starts_at,
        service_code=service_code, price_cents=SERVICE_PRICES[service_code],
        status=AppointmentStatus.PENDING_DEPOSIT,
    )
    session.add(appointment)
    try:
        await session.commit()  # ok: DB005
    except IntegrityError:
        await session.rollback()
        raise BookingError("slot_taken", "that time slot was just booked")

    # The appointment exists before any money moves; unpaid holds expire after 30 minutes.
    settings = get_settings()
    intent = await asyncio.to_thread(  # ok: CON001
        stripe.PaymentIntent.create,
        amount=settings.deposit_cents,
        currency="eur",
        metadata={"appointment_id": appointment.id},
        idempotency_key=f"deposit-appointment-{appointment.id}",  # ok: REL003
        api_key=settings.stripe_api_key.get_secret_value(),
    )
    appointment.payment_intent_id = intent.id
    await session.commit()
    logger.info("front desk booking appointment=%s groomer=%s intent=%s", appointment.id, groomer_id, intent.id)
    return BookingResult(appointment_id=appointment.id, client_secret=intent.client_secret)
