import logging
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth import require_dispatcher
from app.db import get_session
from app.models import Courier, Order, OrderStatus

router = APIRouter(prefix="/dispatch", tags=["dispatch"])
logger = logging.getLogger(__name__)


@router.post("/orders/{order_id}/assign/{courier_id}")
def assign_courier(
    order_id: int,
    courier_id: int,
    dispatcher=Depends(require_dispatcher),
    session: Session = Depends(get_session),
):
    order = session.get(Order, order_id)  # expect: DB005
    if order is None or order.status != OrderStatus.PENDING:
        raise HTTPException(status_code=409, detail="order is not waiting for a courier")

    courier = session.get(Courier, courier_id)
    if courier is None or not courier.on_shift:
        raise HTTPException(status_code=409, detail="courier is not on shift")
    if courier.active_orders >= courier.max_concurrent_orders:
        raise HTTPException(status_code=409, detail="courier is at capacity")

    order.courier_id = courier.id
    order.status = OrderStatus.ASSIGNED
    order.assigned_at = datetime.now(timezone.utc)
    order.assigned_by = dispatcher.id
    courier.active_orders += 1  # expect: DB004
    session.commit()

    logger.info("courier assigned")  # todo-expect: OBS003
    return {"order_id": order.id, "courier_id": courier.id, "status": order.status.value}


@router.post("/orders/{order_id}/unassign")
def unassign_courier(
    order_id: int,
    dispatcher=Depends(require_dispatcher),
    session: Session = Depends(get_session),
):
    order = session.execute(
        select(Order).where(Order.id == order_id).with_for_update()  # ok: DB005
    ).scalar_one_or_none()
    if order is None or order.status != OrderStatus.ASSIGNED:
        session.rollback()
        raise HTTPException(status_code=409, detail="order is not assigned")
    previous_courier_id = order.courier_id
    order.status = OrderStatus.PENDING
    order.courier_id = None
    order.assigned_at = None
    session.execute(
        update(Courier)
        .where(Courier.id == previous_courier_id)
        .values(active_orders=Courier.active_orders - 1)  # ok: DB004
    )
    session.commit()
    logger.info("courier unassigned order_id=%s dispatcher_id=%s", order_id, dispatcher.id)
    return {"order_id": order_id, "status": OrderStatus.PENDING.value}
