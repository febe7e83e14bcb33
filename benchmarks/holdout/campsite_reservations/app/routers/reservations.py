"""Booking standard campsites from the public widget."""
from __future__ import annotations

import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, current_principal, require_staff
from app.db import get_session, get_settings
from app.models import ACTIVE_STATUSES, Deposit, Reservation, Site
from app.services import availability, park_summary, payments

router = APIRouter(prefix="/reservations", tags=["reservations"])
settings = get_settings()
logger = logging.getLogger(__name__)


class ReservationIn(BaseModel):
    site_id: int
    arrive: date
    depart: date
    party_size: int = Field(ge=1, le=40)

    @model_validator(mode="after")
    def _dates(self) -> "ReservationIn":
        if not 0 < (self.depart - self.arrive).days <= 14:
            raise ValueError("stays must be 1 to 14 nights")
        return self


class ReservationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    arrive: date
    depart: date
    party_size: int
    status: str
    total_cents: int


@router.get("/availability")
async def region_availability(
    region: str, arrive: date, depart: date, session: AsyncSession = Depends(get_session)
) -> list[dict]:
    return await availability.park_availability(session, region, arrive, depart)


@router.get("/availability/summary")
async def region_summary(
    region: str, arrive: date, depart: date, session: AsyncSession = Depends(get_session)
) -> list[dict]:
    return await park_summary.region_summary(session, region, arrive, depart)


@router.get("", response_model=list[ReservationOut])
async def list_for_park(
    park_id: int = Query(...),
    staff: Principal = Depends(require_staff),
    session: AsyncSession = Depends(get_session),
):
    stmt = (
        select(Reservation)
        .join(Site, Site.id == Reservation.site_id)
        .where(Site.park_id == park_id)
        .order_by(Reservation.arrive)
    )
    result = await session.scalars(stmt)
    return result.all()  # expect: DB002


@router.post("", response_model=ReservationOut, status_code=201)
async def create_reservation(
    body: ReservationIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
):
    site = await session.get(Site, body.site_id)
    if site is None or not site.active or site.kind != "standard":
        raise HTTPException(status_code=404, detail="site not found")
    if body.party_size > site.max_party:
        raise HTTPException(status_code=422, detail="party too large for this site")

    clash = await session.scalar(
        select(func.count())
        .select_from(Reservation)
        .where(
            Reservation.site_id == site.id,
            Reservation.status.in_(ACTIVE_STATUSES),
            Reservation.arrive < body.depart,
            Reservation.depart > body.arrive,
        )
    )
    if clash:
        raise HTTPException(status_code=409, detail="site already booked for those nights")

    total = (body.depart - body.arrive).days * site.nightly_rate_cents
    deposit_cents = total * settings.deposit_percent // 100
    charge = await payments.charge_deposit(  # expect: REL004
        principal.customer.gateway_customer_id,
        deposit_cents,
        description=f"Deposit site {site.label} {body.arrive:%Y-%m-%d}",
    )
    reservation = Reservation(
        site_id=site.id,
        customer_id=principal.customer.id,
        arrive=body.arrive,
        depart=body.depart,
        party_size=body.party_size,
        status="confirmed",
        total_cents=total,
    )
    session.add(reservation)  # expect: DB005
    await session.flush()
    session.add(
        Deposit(
            reservation_id=reservation.id,
            amount_cents=deposit_cents,
            status="captured",
            gateway_charge_id=charge["id"],
        )
    )
    await session.commit()
    logger.info("reservation %s confirmed for customer %s", reservation.id, principal.customer.id)
    return reservation
