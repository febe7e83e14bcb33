"""Cancelling a sign-up and promoting the next volunteer from the wait-list."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Response, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import get_current_volunteer
from .models import Shift, ShiftSignup, Volunteer, get_session
from .sms_client import SmsClient, SmsDeliveryError, get_sms_client

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/signups", tags=["signups"])


@router.delete("/{signup_id}", status_code=status.HTTP_204_NO_CONTENT)
async def cancel_signup(
    signup_id: int,
    volunteer: Volunteer = Depends(get_current_volunteer),
    session: AsyncSession = Depends(get_session),
    sms: SmsClient = Depends(get_sms_client),
) -> Response:
    promoted: ShiftSignup | None = None
    signup = await session.scalar(
        select(ShiftSignup)
        .where(ShiftSignup.id == signup_id, ShiftSignup.volunteer_id == volunteer.id)  # ok: SEC018
        .with_for_update()
    )
    if signup is None or signup.status == "cancelled":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "sign-up not found")

    shift = await session.scalar(select(Shift).where(Shift.id == signup.shift_id).with_for_update())
    was_confirmed = signup.status == "confirmed"
    signup.status = "cancelled"

    if was_confirmed:
        promoted = await session.scalar(
            select(ShiftSignup)
            .where(ShiftSignup.shift_id == shift.id, ShiftSignup.status == "waitlisted")
            .order_by(ShiftSignup.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if promoted is not None:
            promoted.status = "confirmed"
        else:
            shift.filled -= 1  # ok: DB004
    await session.commit()

    if promoted is not None:
        await _notify_promoted(session, sms, promoted, shift)
    logger.info(
        "sign-up cancelled",
        extra={"signup_id": signup_id, "volunteer_id": volunteer.id, "promoted": getattr(promoted, "id", None)},
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _notify_promoted(session: AsyncSession, sms: SmsClient, promoted: ShiftSignup, shift: Shift) -> None:
    """Best effort: the promotion is already committed, the SMS is a courtesy."""
    volunteer = await session.get(Volunteer, promoted.volunteer_id)
    if volunteer is None:
        return
    text = f"Good news! A place opened up on '{shift.title}'. You're now confirmed - see you there."
    try:
        await sms.send(volunteer.phone, text, dedup_key=f"promoted-{promoted.id}")
    except SmsDeliveryError:
        logger.exception("could not text promoted volunteer", extra={"signup_id": promoted.id})
