"""Browsing open shifts and signing up for them."""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from .auth import get_current_volunteer
from .config import get_settings
from .mailer import send_email, shift_confirmation_body
from .models import Shift, ShiftSignup, Volunteer, get_session

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/shifts", tags=["shifts"])


class ShiftOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    area: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    filled: int


class SignupOut(BaseModel):
    id: int
    shift_id: int
    status: str


@router.get("", response_model=list[ShiftOut])
async def list_open_shifts(
    area: str | None = None,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0),
    volunteer: Volunteer = Depends(get_current_volunteer),
    session: AsyncSession = Depends(get_session),
) -> list[Shift]:
    stmt = select(Shift).where(Shift.starts_at > datetime.now(timezone.utc)).order_by(Shift.starts_at)
    if area:
        stmt = stmt.where(Shift.area == area)
    result = await session.scalars(stmt.limit(limit).offset(offset))
    return list(result)


@router.get("/mine")
async def my_signups(
    volunteer: Volunteer = Depends(get_current_volunteer),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    stmt = (
        select(ShiftSignup)
        .where(ShiftSignup.volunteer_id == volunteer.id)
        .options(selectinload(ShiftSignup.shift))  # ok: DB001
        .order_by(ShiftSignup.created_at.desc())
        .limit(50)
    )
    rows = (await session.scalars(stmt)).all()
    return [
        {"signup_id": s.id, "status": s.status, "shift": s.shift.title, "starts_at": s.shift.starts_at}
        for s in rows
    ]


@router.post("/{shift_id}/signup", response_model=SignupOut, status_code=status.HTTP_201_CREATED)
async def sign_up_for_shift(
    shift_id: int,
    volunteer: Volunteer = Depends(get_current_volunteer),
    session: AsyncSession = Depends(get_session),
) -> SignupOut:
    shift = await session.get(Shift, shift_id)
    if shift is None or shift.starts_at <= datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "shift not found or already started")

    confirmed = await session.scalar(
        select(func.count(ShiftSignup.id)).where(
            ShiftSignup.shift_id == shift_id, ShiftSignup.status == "confirmed"
        )
    )
    signup_status = "confirmed" if confirmed < shift.capacity else "waitlisted"  # expect: DB005
    signup = ShiftSignup(shift_id=shift_id, volunteer_id=volunteer.id, status=signup_status)
    session.add(signup)
    if signup_status == "confirmed":
        shift.filled += 1  # expect: DB004
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "you already have a sign-up for this shift")

    if signup_status == "confirmed":
        local_start = shift.starts_at.astimezone(ZoneInfo(get_settings().festival_tz))
        body = shift_confirmation_body(
            volunteer.full_name, shift.title, local_start.strftime("%a %d %b, %H:%M"), shift.area
        )
        try:
            send_email(volunteer.email, f"You're on: {shift.title}", body)  # expect: CON001
        except (smtplib.SMTPException, OSError):
            logger.exception("confirmation email failed", extra={"shift_id": shift_id, "volunteer_id": volunteer.id})
    logger.info(
        "shift sign-up",
        extra={"shift_id": shift_id, "volunteer_id": volunteer.id, "status": signup_status},
    )
    return SignupOut(id=signup.id, shift_id=shift_id, status=signup_status)
