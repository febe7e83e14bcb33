"""Amending a reservation: move to another sailing or change the vehicle.

Deck space is claimed with a single conditional UPDATE per lane, so two
drivers racing for the last few metres cannot both get them.
"""
import logging
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_customer
from ..db import get_session
from ..models import Customer, Lane, Reservation, Sailing

log = logging.getLogger(__name__)
router = APIRouter(prefix="/reservations", tags=["amendments"])


class AmendmentIn(BaseModel):
    sailing_id: int | None = None
    vehicle_reg: str | None = Field(default=None, min_length=2, max_length=12)
    vehicle_length_m: Decimal | None = Field(default=None, gt=0, le=18, decimal_places=2)
    vehicle_height_m: Decimal | None = Field(default=None, gt=0, le=4.5, decimal_places=2)


async def _claim_space(session: AsyncSession, sailing_id: int, length: Decimal,
                       height: Decimal) -> int | None:
    """Atomically take ``length`` metres in the first lane that still has it."""
    candidates = await session.execute(
        select(Lane.id, Lane.length_m - Lane.used_m)
        .where(Lane.sailing_id == sailing_id, Lane.max_height_m >= height)
        .order_by(Lane.lane_no)
    )
    for lane_id, free_m in candidates.all():  # ok: DB001
        if free_m < length:  # ok: DB005
            continue
        claimed = await session.execute(
            update(Lane)
            .where(Lane.id == lane_id, Lane.length_m - Lane.used_m >= length)
            .values(used_m=Lane.used_m + length)
            .returning(Lane.id)
        )
        if claimed.scalar_one_or_none() is not None:
            return lane_id
    return None


@router.patch("/{reference}")
async def amend_reservation(reference: str, body: AmendmentIn,
                            customer: Customer = Depends(current_customer),
                            session: AsyncSession = Depends(get_session)) -> dict:
    reservation = (
        await session.execute(
            select(Reservation)
            .where(Reservation.reference == reference.upper(),
                   Reservation.customer_id == customer.id)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if reservation is None or reservation.status == "cancelled":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Reservation not found")

    target_sailing_id = body.sailing_id or reservation.sailing_id
    new_length = body.vehicle_length_m or reservation.vehicle_length_m
    new_height = body.vehicle_height_m or reservation.vehicle_height_m
    if target_sailing_id != reservation.sailing_id:
        sailing = await session.get(Sailing, target_sailing_id)
        if sailing is None or sailing.status not in ("scheduled", "delayed"):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Sailing not open for booking")

    old_lane_id, old_length = reservation.lane_id, reservation.vehicle_length_m
    await session.execute(
        update(Lane).where(Lane.id == old_lane_id).values(used_m=Lane.used_m - old_length)
    )
    new_lane_id = await _claim_space(session, target_sailing_id, new_length, new_height)
    if new_lane_id is None:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "No deck space for that change")

    reservation.sailing_id = target_sailing_id
    reservation.lane_id = new_lane_id
    reservation.vehicle_length_m = new_length
    reservation.vehicle_height_m = new_height
    if body.vehicle_reg:
        reservation.vehicle_reg = body.vehicle_reg.upper().replace(" ", "")
    await session.commit()
    log.info("reservation %s amended by customer %s: sailing %s lane %s", reservation.reference,
             customer.id, target_sailing_id, new_lane_id)
    return {"reference": reservation.reference, "sailing_id": target_sailing_id,
            "lane_id": new_lane_id, "status": reservation.status}
