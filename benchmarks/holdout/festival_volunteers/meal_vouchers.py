"""Meal vouchers: issued after a completed shift, redeemed at the food trucks."""
from __future__ import annotations

import logging
import random
import string

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import get_current_volunteer, require_food_vendor, require_organiser
from .config import get_settings
from .models import GateCheckin, MealVoucher, ShiftSignup, Volunteer, get_session

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/vouchers", tags=["vouchers"])

VOUCHER_ALPHABET = string.ascii_uppercase + string.digits


class RedeemIn(BaseModel):
    code: str = Field(min_length=8, max_length=16)


def _new_voucher_code(length: int = 8) -> str:
    return "".join(random.choices(VOUCHER_ALPHABET, k=length))  # expect: SEC010


@router.post("/issue/{signup_id}", status_code=status.HTTP_201_CREATED)
async def issue_vouchers(
    signup_id: int,
    organiser: Volunteer = Depends(require_organiser),
    session: AsyncSession = Depends(get_session),
) -> dict:
    signup = await session.get(ShiftSignup, signup_id)
    if signup is None or signup.status != "confirmed":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "confirmed sign-up not found")

    attended = await session.scalar(select(GateCheckin.id).where(GateCheckin.signup_id == signup_id).limit(1))
    if attended is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "volunteer never checked in for this shift")

    already = await session.scalar(select(func.count(MealVoucher.id)).where(MealVoucher.signup_id == signup_id))
    if already:  # expect: DB005
        raise HTTPException(status.HTTP_409_CONFLICT, "vouchers already issued for this shift")

    codes = [_new_voucher_code() for _ in range(get_settings().meals_per_shift)]
    for code in codes:
        session.add(MealVoucher(code=code, volunteer_id=signup.volunteer_id, signup_id=signup_id))
    await session.commit()
    logger.info("meal vouchers issued", extra={"signup_id": signup_id, "count": len(codes), "by": organiser.id})
    return {"signup_id": signup_id, "issued": len(codes)}


@router.get("/{voucher_id}")
async def get_voucher(
    voucher_id: int,
    volunteer: Volunteer = Depends(get_current_volunteer),
    session: AsyncSession = Depends(get_session),
) -> dict:
    voucher = await session.get(MealVoucher, voucher_id)  # expect: SEC018
    if voucher is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "voucher not found")
    return {
        "id": voucher.id,
        "code": voucher.code,
        "issued_at": voucher.issued_at,
        "redeemed": voucher.redeemed_at is not None,
    }


@router.post("/redeem")
async def redeem_voucher(
    body: RedeemIn,
    vendor: str = Depends(require_food_vendor),
    session: AsyncSession = Depends(get_session),
) -> dict:
    result = await session.execute(
        update(MealVoucher)
        .where(MealVoucher.code == body.code, MealVoucher.redeemed_at.is_(None))  # ok: DB005
        .values(redeemed_at=func.now(), redeemed_by=vendor)
        .returning(MealVoucher.id)
    )
    voucher_id = result.scalar_one_or_none()
    await session.commit()
    if voucher_id is None:
        return {"ok": False, "error": "voucher unknown or already used"}  # todo-expect: MNT001
    logger.info("voucher redeemed", extra={"voucher_id": voucher_id, "vendor": vendor})
    return {"ok": True, "voucher_id": voucher_id}
