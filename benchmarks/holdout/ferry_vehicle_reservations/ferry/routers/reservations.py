"""Creating and reading vehicle reservations on a sailing."""
import logging
import secrets
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import current_customer, issue_manage_code
from ..db import get_session
from ..models import Customer, Lane, Reservation, Sailing

log = logging.getLogger(__name__)
router = APIRouter(prefix="/reservations", tags=["reservations"])

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ReservationIn(BaseModel):
    sailing_id: int
    vehicle_reg: str = Field(min_length=2, max_length=12)
    vehicle_length_m: Decimal = Field(gt=0, le=18, decimal_places=2)
    vehicle_height_m: Decimal = Field(gt=0, le=4.5, decimal_places=2)


class ReservationOut(BaseModel):
    reference: str
    sailing_id: int
    lane_no: int
    status: str
    vehicle_reg: str


async def _lane_with_space(session: AsyncSession, sailing_id: int, length: Decimal,
                           height: Decimal) -> Lane | None:
    lanes = await session.execute(
        select(Lane)
        .where(Lane.sailing_id == sailing_id, Lane.max_height_m >= height)
        .order_by(Lane.lane_no)
    )
    for lane in lanes.scalars():
        if lane.length_m - lane.used_m >= length:  # expect: DB005
            return lane
    return None


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_reservation(body: ReservationIn,
                             customer: Customer = Depends(current_customer),
                             session: AsyncSession = Depends(get_session)) -> dict:
    sailing = await session.get(Sailing, body.sailing_id)
    if sailing is None or sailing.status not in ("scheduled", "delayed"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Sailing not open for booking")

    lane = await _lane_with_space(session, sailing.id, body.vehicle_length_m,
                                  body.vehicle_height_m)
    if lane is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "No deck space left for that vehicle")

    lane.used_m = lane.used_m + body.vehicle_length_m  # expect: DB004
    reservation = Reservation(
        reference="".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8)),
        customer_id=customer.id,
        sailing_id=sailing.id,
        lane_id=lane.id,
        vehicle_reg=body.vehicle_reg.upper().replace(" ", ""),
        vehicle_length_m=body.vehicle_length_m,
        vehicle_height_m=body.vehicle_height_m,
        status="held",
    )
    session.add(reservation)
    await session.flush()
    code = issue_manage_code(reservation)
    await session.commit()

    log.info("reservation %s held on sailing %s lane %s for customer %s",
             reservation.reference, sailing.id, lane.lane_no, customer.id)
    return {"reservation": ReservationOut(reference=reservation.reference, sailing_id=sailing.id,
                                          lane_no=lane.lane_no, status=reservation.status,
                                          vehicle_reg=reservation.vehicle_reg).model_dump(),
            "manage_code": code}


@router.get("")
async def my_reservations(customer: Customer = Depends(current_customer),
                          session: AsyncSession = Depends(get_session)) -> list[dict]:
    rows = await session.execute(
        select(Reservation, Sailing.departs_at)
        .join(Sailing, Sailing.id == Reservation.sailing_id)
        .where(Reservation.customer_id == customer.id, Reservation.status != "cancelled")
        .order_by(Sailing.departs_at.desc())
    )
    return [
        {"reference": r.reference, "sailing_id": r.sailing_id, "departs_at": departs.isoformat(),
         "vehicle_reg": r.vehicle_reg, "status": r.status}
        for r, departs in rows.all()  # ok: DB002
    ]
