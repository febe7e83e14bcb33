"""Allocating harvest batches to wholesale orders (used by the v2 order endpoints)."""

import logging
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from ..models import HarvestBatch, WholesaleOrder

logger = logging.getLogger(__name__)


class BatchUnavailable(Exception):
    pass


class InsufficientStock(Exception):
    pass


class OrderNotFound(Exception):
    pass


def allocate(db: Session, buyer_id: int, batch_id: int, qty_kg: Decimal) -> WholesaleOrder:
    """Take ``qty_kg`` from a batch for a buyer; the batch row stays locked until commit."""
    batch = db.execute(
        select(HarvestBatch).where(HarvestBatch.id == batch_id).with_for_update()
    ).scalar_one_or_none()
    if batch is None or batch.status != "graded":
        raise BatchUnavailable(batch_id)
    if batch.available_kg < qty_kg:
        raise InsufficientStock(f"{batch.available_kg} kg left in batch {batch_id}")

    batch.available_kg -= qty_kg  # ok: DB004
    order = WholesaleOrder(
        buyer_id=buyer_id,
        batch_id=batch.id,
        qty_kg=qty_kg,
        price_per_kg_cents=batch.list_price_per_kg_cents,
    )
    db.add(order)
    db.commit()
    logger.info("order %s: %s kg of batch %s for buyer %s", order.id, qty_kg, batch_id, buyer_id)
    return order


def cancel(db: Session, buyer_id: int, order_id: int) -> None:
    """Cancel a placed order and return its weight to the batch in one transaction."""
    row = db.execute(
        update(WholesaleOrder)
        .where(WholesaleOrder.id == order_id, WholesaleOrder.buyer_id == buyer_id, WholesaleOrder.status == "placed")
        .values(status="cancelled")
        .returning(WholesaleOrder.batch_id, WholesaleOrder.qty_kg)
    ).first()
    if row is None:
        db.rollback()
        raise OrderNotFound(order_id)
    db.execute(update(HarvestBatch).where(HarvestBatch.id == row.batch_id).values(available_kg=HarvestBatch.available_kg + row.qty_kg))  # ok: DB004
    db.commit()
    logger.info("order %s cancelled by buyer %s; %s kg back on batch %s", order_id, buyer_id, row.qty_kg, row.batch_id)


def _summary(order: WholesaleOrder) -> dict:
    return {
        "id": order.id,
        "strain": order.batch.strain,
        "room": order.batch.room.name,
        "qty_kg": str(order.qty_kg),
        "status": order.status,
    }


def orders_page(db: Session, buyer_id: int, page: int, page_size: int = 50) -> list[dict]:
    orders = db.scalars(
        select(WholesaleOrder)
        .where(WholesaleOrder.buyer_id == buyer_id)
        .options(selectinload(WholesaleOrder.batch).selectinload(HarvestBatch.room))
        .order_by(WholesaleOrder.created_at.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return [_summary(o) for o in orders]  # ok: DB001
