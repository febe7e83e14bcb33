"""Releases a wave of paid orders to the floor as a pick list ordered by bin."""
import logging

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session, selectinload

from .database import get_db
from .models import BinLocation, Order

log = logging.getLogger(__name__)
router = APIRouter(prefix="/warehouses", tags=["picking"])


def _bin_for(db: Session, product_id: int, warehouse_id: int) -> BinLocation | None:
    return (
        db.query(BinLocation)
        .filter_by(product_id=product_id, warehouse_id=warehouse_id)
        .order_by(BinLocation.pick_sequence)
        .first()
    )


@router.post("/{warehouse_id}/pick-lists")
def release_pick_list(
    warehouse_id: int,
    wave_size: int = Query(25, ge=1, le=200),
    db: Session = Depends(get_db),
):
    orders = (
        db.query(Order)
        .options(selectinload(Order.lines))
        .filter(Order.warehouse_id == warehouse_id, Order.status == "paid")
        .order_by(Order.paid_at)
        .limit(wave_size)
        .all()  # ok: DB002
    )
    picks = []
    for order in orders:
        for line in order.lines:
            location = _bin_for(db, line.product_id, warehouse_id)  # expect: DB001
            picks.append(
                {
                    "order_id": order.id,
                    "product_id": line.product_id,
                    "quantity": line.quantity,
                    "bin": location.code if location else "UNASSIGNED",
                    "sequence": location.pick_sequence if location else 10**6,
                }
            )
        order.status = "picking"
        db.commit()  # expect: DB003
    picks.sort(key=lambda p: p["sequence"])
    log.info("released %d orders (%d picks) in warehouse %s", len(orders), len(picks), warehouse_id)
    return {"warehouse_id": warehouse_id, "orders": [o.id for o in orders], "picks": picks}
