"""Repair order intake and tracking."""
import logging
from datetime import date
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from ..auth import current_user, require_staff
from ..db import get_session
from ..models import Customer, OrderStatus, RepairOrder

logger = logging.getLogger(__name__)
router = APIRouter(tags=["orders"])


class OrderIn(BaseModel):
    sail_type: str = Field(min_length=2, max_length=40)
    sail_area_m2: float = Field(gt=0, le=400)
    damage_notes: str = Field(min_length=5, max_length=4000)
    due_date: Optional[date] = None


class OrderOut(BaseModel):
    id: int
    sail_type: str
    sail_area_m2: float
    damage_notes: str
    status: OrderStatus
    due_date: Optional[date]


class StatusChange(BaseModel):
    status: OrderStatus


@router.post("/orders", response_model=OrderOut, status_code=status.HTTP_201_CREATED)
def create_order(body: OrderIn, user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    order = RepairOrder(customer_id=user.id, **body.model_dump())
    session.add(order)
    session.commit()
    session.refresh(order)
    logger.info("repair order created order_id=%s customer_id=%s", order.id, user.id)
    return order


@router.get("/orders/mine", response_model=list[OrderOut])
def my_orders(user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    statement = (
        select(RepairOrder)
        .where(RepairOrder.customer_id == user.id)
        .order_by(RepairOrder.created_at.desc())
        .limit(100)  # ok: DB002
    )
    return session.exec(statement).all()


@router.get("/orders/{order_id}", response_model=OrderOut)
def get_order(order_id: int, user: Customer = Depends(current_user), session: Session = Depends(get_session)):
    order = session.get(RepairOrder, order_id)  # expect: SEC018
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Order not found")
    return order


@router.get("/workshop/orders", response_model=list[OrderOut])
def workshop_orders(
    status_filter: Optional[OrderStatus] = Query(default=None, alias="status"),
    staff: Customer = Depends(require_staff),
    session: Session = Depends(get_session),
):
    statement = select(RepairOrder).order_by(RepairOrder.due_date, RepairOrder.created_at)
    if status_filter is not None:
        statement = statement.where(RepairOrder.status == status_filter)
    return session.exec(statement).all()  # expect: DB002


@router.patch("/workshop/orders/{order_id}", response_model=OrderOut)
def change_status(
    order_id: int,
    body: StatusChange,
    staff: Customer = Depends(require_staff),
    session: Session = Depends(get_session),
):
    order = session.get(RepairOrder, order_id)
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Order not found")
    order.status = body.status
    session.add(order)
    session.commit()
    session.refresh(order)
    logger.info("order status changed order_id=%s status=%s staff_id=%s", order.id, body.status.value, staff.id)
    return order

