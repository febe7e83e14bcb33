"""Group-site bookings: scouts, family reunions, school trips."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, current_principal
from app.db import get_session, get_settings
from app.models import ACTIVE_STATUSES, GatewayRequest, Reservation, Site

router = APIRouter(prefix="/group-sites", tags=["group-sites"])
settings = get_settings()
logger = logging.getLogger(__name__)


class GroupBookingIn(BaseModel):
    site_id: int
    arrive: date
    depart: date
    party_size: int = Field(ge=8, le=120)
    organisation: str = Field(min_length=2, max_length=120)

    @model_validator(mode="after")
    def _dates(self) -> "GroupBookingIn":
        if self.depart <= self.arrive:
            raise ValueError("depart must be after arrive")
        if (self.depart - self.arrive).days > 7:
            raise ValueError("group stays are limited to 7 nights")
        return self


class GroupBookingOut(BaseModel):
    reservation_id: int
    status: str
    deposit_cents: int
    pay_by: datetime


@router.post("/bookings", response_model=GroupBookingOut, status_code=201)
async def book_group_site(
    body: GroupBookingIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> GroupBookingOut:
    # Lock the site row so concurrent bookings for the same site queue up here.
    site = await session.scalar(
        select(Site)
        .where(Site.id == body.site_id, Site.kind == "group", Site.active.is_(True))
        .with_for_update()
    )
    if site is None:
        raise HTTPException(status_code=404, detail="group site not found")
    if body.party_size > site.max_party:
        raise HTTPException(status_code=422, detail="party too large for this site")

    overlapping = await session.scalar(  # ok: DB005
        select(func.count())
        .select_from(Reservation)
        .where(
            Reservation.site_id == site.id,
            Reservation.status.in_(ACTIVE_STATUSES),
            Reservation.arrive < body.depart,
            Reservation.depart > body.arrive,
        )
    )
    if overlapping:
        raise HTTPException(status_code=409, detail="site already booked for those nights")

    total = (body.depart - body.arrive).days * site.nightly_rate_cents
    deposit_cents = total * settings.deposit_percent // 100
    pay_by = datetime.now(timezone.utc) + timedelta(minutes=settings.hold_minutes)
    reservation = Reservation(
        site_id=site.id,
        customer_id=principal.customer.id,
        arrive=body.arrive,
        depart=body.depart,
        party_size=body.party_size,
        status="pending_deposit",
        total_cents=total,
        hold_expires_at=pay_by,
    )
    session.add(reservation)
    await session.flush()
    # The relay worker charges the deposit; the row commits with the booking.
    session.add(  # ok: REL004
        GatewayRequest(
            reservation_id=reservation.id,
            kind="charge",
            amount_cents=deposit_cents,
            idempotency_key=f"deposit-{reservation.id}",
        )
    )
    await session.commit()
    logger.info(
        "group booking %s held for customer %s (site %s)",
        reservation.id,
        principal.customer.id,
        site.id,
    )
    return GroupBookingOut(
        reservation_id=reservation.id,
        status=reservation.status,
        deposit_cents=deposit_cents,
        pay_by=pay_by,
    )
