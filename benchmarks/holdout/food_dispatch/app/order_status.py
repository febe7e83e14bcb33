import logging

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import func, update
from sqlalchemy.orm import Session

from app.auth import current_courier
from app.db import get_session
from app.models import Courier, Order, OrderEvent, OrderStatus

router = APIRouter(prefix="/courier/orders", tags=["courier"])
logger = logging.getLogger(__name__)


def _advance(session: Session, order_id: int, courier_id: int, from_status: OrderStatus, to_status: OrderStatus, **values) -> bool:
    result = session.execute(  # ok: DB005
        update(Order)
        .where(Order.id == order_id, Order.courier_id == courier_id, Order.status == from_status)
        .values(status=to_status, **values)
    )
    return result.rowcount == 1


@router.post("/{order_id}/picked-up")
def mark_picked_up(order_id: int, courier=Depends(current_courier), session: Session = Depends(get_session)):
    if not _advance(session, order_id, courier.id, OrderStatus.ASSIGNED, OrderStatus.PICKED_UP, picked_up_at=func.now()):
        session.rollback()
        raise HTTPException(status_code=409, detail="order is not assigned to you or was already picked up")
    session.add(OrderEvent(order_id=order_id, courier_id=courier.id, kind="picked_up"))
    session.commit()
    logger.info("order picked up order_id=%s courier_id=%s", order_id, courier.id)
    return {"order_id": order_id, "status": OrderStatus.PICKED_UP.value}


@router.post("/{order_id}/delivered")
def mark_delivered(order_id: int, courier=Depends(current_courier), session: Session = Depends(get_session)):
    if not _advance(session, order_id, courier.id, OrderStatus.PICKED_UP, OrderStatus.DELIVERED, delivered_at=func.now()):
        session.rollback()
        raise HTTPException(status_code=409, detail="order is not out for delivery with you")
    session.execute(
        update(Courier)
        .where(Courier.id == courier.id, Courier.active_orders > 0)
        .values(active_orders=Courier.active_orders - 1)  # ok: DB004
    )
    session.add(OrderEvent(order_id=order_id, courier_id=courier.id, kind="delivered"))
    session.commit()
    logger.info("order delivered order_id=%s courier_id=%s", order_id, courier.id)
    return {"order_id": order_id, "status": OrderStatus.DELIVERED.value}
