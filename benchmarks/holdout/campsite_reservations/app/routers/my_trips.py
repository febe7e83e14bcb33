"""The signed-in customer's own trips: list, detail, cancel."""
from __future__ import annotations

import logging
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.auth import Principal, current_principal
from app.db import get_session
from app.models import Cancellation, Customer, Deposit, GatewayRequest, Reservation
from app.routers.cancellations import refund_for

router = APIRouter(prefix="/me/trips", tags=["my-trips"])
logger = logging.getLogger(__name__)


class TripOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    arrive: date
    depart: date
    status: str
    total_cents: int


def _own(principal: Principal):
    return Reservation.customer_id == principal.customer.id


@router.get("", response_model=list[TripOut])
async def list_trips(
    limit: int = Query(20, ge=1, le=100),
    before_id: int | None = Query(None),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
):
    stmt = select(Reservation).options(selectinload(Reservation.site)).where(_own(principal))
    if before_id is not None:
        stmt = stmt.where(Reservation.id < before_id)
    rows = await session.scalars(stmt.order_by(Reservation.id.desc()).limit(limit))  # ok: DB002
    return rows.all()


@router.get("/{trip_id}", response_model=TripOut)
async def get_trip(
    trip_id: int,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
):
    trip = await session.scalar(select(Reservation).where(Reservation.id == trip_id, _own(principal)))  # ok: SEC018
    if trip is None:
        raise HTTPException(status_code=404, detail="trip not found")
    return trip


@router.post("/{trip_id}/cancel")
async def cancel_trip(
    trip_id: int,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> dict:
    cancelled = await session.scalar(  # ok: DB005
        update(Reservation)
        .where(
            Reservation.id == trip_id,
            _own(principal),
            Reservation.status.in_(("confirmed", "pending_deposit")),
        )
        .values(status="cancelled")
        .returning(Reservation)
    )
    if cancelled is None:
        raise HTTPException(status_code=409, detail="trip not found or not cancellable")

    prior = await session.scalar(
        update(Customer)
        .where(Customer.id == principal.customer.id)
        .values(cancellations_this_season=Customer.cancellations_this_season + 1)  # ok: DB004
        .returning(Customer.cancellations_this_season - 1)
    )
    deposit = await session.scalar(select(Deposit).where(Deposit.reservation_id == trip_id))
    refund_cents = 0
    if deposit is not None and deposit.status == "captured":
        refund_cents = refund_for(deposit.amount_cents, cancelled.arrive, prior)
    session.add(Cancellation(reservation_id=trip_id, refund_cents=refund_cents))
    if refund_cents:
        session.add(  # ok: REL005
            GatewayRequest(
                reservation_id=trip_id,
                kind="refund",
                amount_cents=refund_cents,
                idempotency_key=f"refund-{trip_id}",
            )
        )
    await session.commit()
    logger.info("trip %s cancelled by customer %s, refund %s", trip_id, principal.customer.id, refund_cents)
    return {"reservation_id": trip_id, "status": "cancelled", "refund_cents": refund_cents}
