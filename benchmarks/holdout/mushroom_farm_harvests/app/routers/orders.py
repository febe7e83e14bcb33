"""Wholesale orders placed by buyers against graded harvest batches."""

import logging
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..auth.accounts import require_buyer
from ..db import get_db
from ..models import Account, HarvestBatch, WholesaleOrder

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/orders", tags=["orders"])

PAGE_SIZE = 50


class OrderIn(BaseModel):
    batch_id: int
    qty_kg: Decimal = Field(gt=0, le=500, decimal_places=2)


def order_out(order: WholesaleOrder) -> dict:
    return {
        "id": order.id,
        "batch_id": order.batch_id,
        "strain": order.batch.strain,
        "room": order.batch.room.name,
        "harvested_at": order.batch.harvested_at.isoformat(),
        "qty_kg": str(order.qty_kg),
        "price_per_kg_cents": order.price_per_kg_cents,
        "status": order.status,
        "created_at": order.created_at.isoformat() if order.created_at else None,
    }


@router.post("", status_code=status.HTTP_201_CREATED)
def place_order(body: OrderIn, account: Account = Depends(require_buyer), db: Session = Depends(get_db)):
    batch = db.get(HarvestBatch, body.batch_id)
    if batch is None or batch.status != "graded":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "batch not available")

    batch.available_kg -= body.qty_kg  # expect: DB004
    order = WholesaleOrder(
        buyer_id=account.buyer_id,
        batch_id=batch.id,
        qty_kg=body.qty_kg,
        price_per_kg_cents=batch.list_price_per_kg_cents,
    )
    db.add(order)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "not enough left in this batch") from None
    db.refresh(order)
    logger.info("buyer %s ordered %s kg from batch %s (order %s)", account.buyer_id, body.qty_kg, batch.id, order.id)
    return order_out(order)


@router.get("")
def list_orders(
    page: int = Query(1, ge=1),
    account: Account = Depends(require_buyer),
    db: Session = Depends(get_db),
):
    orders = db.scalars(
        select(WholesaleOrder)
        .where(WholesaleOrder.buyer_id == account.buyer_id)
        .order_by(WholesaleOrder.created_at.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return {"page": page, "orders": [order_out(o) for o in orders]}  # expect: DB001


@router.get("/{order_id}")
def get_order(order_id: int, account: Account = Depends(require_buyer), db: Session = Depends(get_db)):
    order = db.scalar(
        select(WholesaleOrder).where(WholesaleOrder.id == order_id, WholesaleOrder.buyer_id == account.buyer_id)  # ok: SEC018
    )
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    return order_out(order)
