"""Donor registration, profile and eligibility."""
import logging
from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .auth import current_donor, hash_password
from .db import get_db
from .models import Donor
from .settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(tags=["donors"])


class DonorIn(BaseModel):
    email: EmailStr
    password: str = Field(min_length=10, max_length=128)
    full_name: str = Field(min_length=2, max_length=120)
    phone: str = Field(pattern=r"^\+?[0-9 ]{9,20}$")
    date_of_birth: date
    weight_kg: float | None = Field(default=None, gt=0, lt=400)


class DonorOut(BaseModel):
    id: int
    full_name: str
    email: str
    blood_type: str | None
    donation_count: int
    last_donation_on: date | None


class Eligibility(BaseModel):
    eligible: bool
    next_eligible_on: date | None = None
    reasons: list[str] = []


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def evaluate_eligibility(donor: Donor, today: date, settings: Settings) -> Eligibility:
    reasons, next_dates = [], []
    age = _age_on(donor.date_of_birth, today)
    if age < settings.min_age:
        reasons.append("too_young")
    if donor.donation_count == 0 and age > settings.max_first_time_age:
        reasons.append("first_donation_age_limit")
    if donor.weight_kg is not None and donor.weight_kg < settings.min_weight_kg:
        reasons.append("under_minimum_weight")
    if donor.last_donation_on is not None:
        due = donor.last_donation_on + timedelta(days=settings.min_days_between_donations)
        if due > today:
            reasons.append("too_soon_since_last_donation")
            next_dates.append(due)
    if donor.deferred_until is not None and donor.deferred_until > today:
        reasons.append("deferred")
        next_dates.append(donor.deferred_until)
    return Eligibility(eligible=not reasons, reasons=reasons, next_eligible_on=max(next_dates) if next_dates else None)


@router.post("/donors", response_model=DonorOut, status_code=status.HTTP_201_CREATED)
def register(payload: DonorIn, db: Session = Depends(get_db)) -> DonorOut:
    email = payload.email.lower()
    if db.scalar(select(Donor.id).where(Donor.email == email)) is not None:  # ok: DB005
        raise HTTPException(status.HTTP_409_CONFLICT, "email already registered")
    donor = Donor(
        email=email, password_hash=hash_password(payload.password), full_name=payload.full_name,
        phone=payload.phone, date_of_birth=payload.date_of_birth, weight_kg=payload.weight_kg,
    )
    db.add(donor)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "email already registered")
    log.info("donor %s registered", donor.id)
    return DonorOut.model_validate(donor, from_attributes=True)


@router.get("/donors/me", response_model=DonorOut)
def me(donor: Donor = Depends(current_donor)) -> DonorOut:
    return DonorOut.model_validate(donor, from_attributes=True)


@router.get("/donors/me/eligibility", response_model=Eligibility)
def my_eligibility(donor: Donor = Depends(current_donor)) -> Eligibility:
    return evaluate_eligibility(donor, date.today(), get_settings())


@router.get("/donors/{donor_id}", response_model=DonorOut)
def get_donor(donor_id: int, caller: Donor = Depends(current_donor), db: Session = Depends(get_db)) -> DonorOut:
    if donor_id != caller.id and not caller.is_staff:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    donor = db.get(Donor, donor_id)  # ok: SEC018
    if donor is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    return DonorOut.model_validate(donor, from_attributes=True)
