"""Booking and cancelling clinic appointments."""
import logging
from datetime import date, datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from .auth import current_donor
from .db import get_db
from .donor_routes import evaluate_eligibility
from .models import Appointment, Donor, Slot
from .settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/appointments", tags=["appointments"])


class BookIn(BaseModel):
    slot_id: int


class AppointmentOut(BaseModel):
    id: int
    slot_id: int
    clinic: str
    starts_at: datetime
    status: str


def _out(appt: Appointment) -> AppointmentOut:
    return AppointmentOut(
        id=appt.id, slot_id=appt.slot_id, clinic=appt.slot.clinic.name, starts_at=appt.slot.starts_at, status=appt.status
    )


@router.post("", response_model=AppointmentOut, status_code=status.HTTP_201_CREATED)
def book(payload: BookIn, donor: Donor = Depends(current_donor), db: Session = Depends(get_db)) -> AppointmentOut:
    slot = db.get(Slot, payload.slot_id)
    if slot is None or slot.starts_at <= datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "slot not available")
    eligibility = evaluate_eligibility(donor, slot.starts_at.date(), get_settings())
    if not eligibility.eligible:
        raise HTTPException(status.HTTP_409_CONFLICT, {"reasons": eligibility.reasons})  # todo-expect: MNT001
    if slot.booked >= slot.capacity:
        raise HTTPException(status.HTTP_409_CONFLICT, "slot is full")

    slot.booked += 1  # expect: DB004
    appt = Appointment(donor_id=donor.id, slot_id=slot.id, status="booked")
    db.add(appt)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "already booked into this slot")
    log.info("donor %s booked slot %s (appointment %s)", donor.id, slot.id, appt.id)
    return _out(appt)


@router.get("/mine", response_model=list[AppointmentOut])
def my_appointments(donor: Donor = Depends(current_donor), db: Session = Depends(get_db)) -> list[AppointmentOut]:
    rows = db.scalars(
        select(Appointment)
        .where(Appointment.donor_id == donor.id, Appointment.status == "booked")
        .options(selectinload(Appointment.slot).selectinload(Slot.clinic))
        .order_by(Appointment.created_at.desc())
        .limit(20)
    ).all()
    return [_out(a) for a in rows]  # ok: DB001


@router.post("/{appointment_id}/cancel", response_model=AppointmentOut)
def cancel(appointment_id: int, donor: Donor = Depends(current_donor), db: Session = Depends(get_db)) -> AppointmentOut:
    appt = db.get(Appointment, appointment_id, with_for_update=True)  # expect: SEC018
    if appt is None or appt.status != "booked":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such booked appointment")
    if appt.slot.starts_at.date() <= date.today():
        raise HTTPException(status.HTTP_409_CONFLICT, "call the clinic to cancel on the day")
    appt.status = "cancelled"
    db.execute(update(Slot).where(Slot.id == appt.slot_id, Slot.booked > 0).values(booked=Slot.booked - 1))  # ok: DB004
    db.commit()
    log.info("appointment %s cancelled by donor %s", appointment_id, donor.id)
    return _out(appt)
