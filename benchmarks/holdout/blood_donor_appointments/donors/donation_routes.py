"""Clinic staff record a completed donation against the donor's appointment."""
import logging
from datetime import datetime, timedelta, timezone

import redis
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .auth import require_staff
from .db import get_db, redis_client
from .models import Appointment, Donation, Donor, Slot

log = logging.getLogger(__name__)
router = APIRouter(prefix="/donations", tags=["donations"])

BLOOD_TYPES = {"O-", "O+", "A-", "A+", "B-", "B+", "AB-", "AB+"}


class DonationIn(BaseModel):
    appointment_id: int
    blood_type: str
    volume_ml: int = Field(ge=200, le=550)


class DonationOut(BaseModel):
    id: int
    donor_id: int
    collected_at: datetime


@router.post("", response_model=DonationOut, status_code=status.HTTP_201_CREATED)
def record_donation(payload: DonationIn, staff: Donor = Depends(require_staff), db: Session = Depends(get_db)) -> DonationOut:
    if payload.blood_type not in BLOOD_TYPES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown blood type")
    appt = db.scalar(
        select(Appointment).where(Appointment.id == payload.appointment_id).with_for_update()
    )
    if appt is None or appt.status != "booked":
        raise HTTPException(status.HTTP_409_CONFLICT, "appointment is not open")
    slot = db.get(Slot, appt.slot_id)
    now = datetime.now(timezone.utc)
    if abs(slot.starts_at - now) > timedelta(hours=12):
        raise HTTPException(status.HTTP_409_CONFLICT, "appointment is not today")

    appt.status = "attended"  # ok: DB004
    donation = Donation(
        donor_id=appt.donor_id, appointment_id=appt.id, clinic_id=slot.clinic_id, blood_type=payload.blood_type,
        volume_ml=payload.volume_ml, collected_at=now, recorded_by=staff.id,
    )
    db.add(donation)
    db.execute(
        update(Donor)
        .where(Donor.id == appt.donor_id)
        .values(donation_count=Donor.donation_count + 1, last_donation_on=now.date(), blood_type=payload.blood_type)
    )
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "donation already recorded")

    try:
        redis_client().xadd(
            "donations:collected",
            {"clinic_id": slot.clinic_id, "blood_type": payload.blood_type, "volume_ml": payload.volume_ml},
            maxlen=100_000,
            approximate=True,
        )
    except redis.RedisError:  # ok: ERR002
        log.warning("donation %s not published to the collection stream", donation.id, exc_info=True)
    log.info("donation %s recorded by staff %s for donor %s", donation.id, staff.id, appt.donor_id)
    return DonationOut(id=donation.id, donor_id=donation.donor_id, collected_at=donation.collected_at)
