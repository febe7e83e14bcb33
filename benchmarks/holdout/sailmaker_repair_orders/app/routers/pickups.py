"""Van collections of repaired sails from the boatyard hard standing."""
import logging
from datetime import datetime, timezone

from arq import create_pool
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func
from sqlmodel import Session, select

from ..auth import current_user
from ..config import redis_settings
from ..db import get_session
from ..models import Customer, OrderStatus, Pickup, RepairOrder

logger = logging.getLogger(__name__)
router = APIRouter(tags=["pickups"])

VANS_PER_SLOT = 2


class PickupIn(BaseModel):
    order_id: int
    yard_id: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    slot_start: datetime
    berth: str = Field(max_length=40)

    @field_validator("slot_start")
    @classmethod
    def in_future(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        if value <= datetime.now(timezone.utc):
            raise ValueError("slot must be in the future")
        return value


def _create_pickup(session: Session, body: PickupIn, user: Customer) -> Pickup:
    order = session.get(RepairOrder, body.order_id)
    if order is None or order.customer_id != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Order not found")
    if order.status != OrderStatus.ready:
        raise HTTPException(status.HTTP_409_CONFLICT, "This sail is not ready for collection yet")

    booked = session.exec(
        select(func.count(Pickup.id)).where(Pickup.yard_id == body.yard_id, Pickup.slot_start == body.slot_start)
    ).one()
    if booked >= VANS_PER_SLOT:  # expect: DB005
        raise HTTPException(status.HTTP_409_CONFLICT, "That collection slot is full")

    pickup = Pickup(order_id=order.id, yard_id=body.yard_id, slot_start=body.slot_start)
    session.add(pickup)
    session.commit()
    session.refresh(pickup)
    return pickup


@router.post("/pickups", status_code=status.HTTP_201_CREATED)
async def schedule_pickup(body: PickupIn, user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    pickup = await run_in_threadpool(_create_pickup, session, body, user)
    try:
        redis = await create_pool(redis_settings())
        try:
            await redis.enqueue_job("book_yard_collection", pickup.id, body.berth, _job_id=f"pickup-{pickup.id}")
        finally:
            await redis.aclose()
    except Exception:
        logger.exception("could not queue yard booking pickup_id=%s order_id=%s", pickup.id, body.order_id)
        return {"id": pickup.id, "status": "scheduled", "slot_start": pickup.slot_start.isoformat()}  # expect: ERR002

    logger.info("pickup scheduled pickup_id=%s order_id=%s yard=%s", pickup.id, body.order_id, body.yard_id)
    return {"id": pickup.id, "status": "scheduled", "slot_start": pickup.slot_start.isoformat()}


@router.get("/pickups/mine")
def my_pickups(user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    rows = session.exec(
        select(Pickup)
        .join(RepairOrder, RepairOrder.id == Pickup.order_id)
        .where(RepairOrder.customer_id == user.id)
        .order_by(Pickup.slot_start.desc())
        .limit(50)
    ).all()
    return [
        {"id": p.id, "order_id": p.order_id, "yard_id": p.yard_id, "slot_start": p.slot_start.isoformat(),
         "confirmed": p.yard_booking_ref is not None}
        for p in rows
    ]
