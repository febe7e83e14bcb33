"""Closes the end-of-day carrier manifest for packed shipments."""
import logging
from datetime import date

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session, selectinload

from .database import get_db
from .models import Order, Product, Shipment

log = logging.getLogger(__name__)
router = APIRouter(prefix="/warehouses", tags=["shipping"])

MAX_MANIFEST_SIZE = 2000


@router.post("/{warehouse_id}/manifests/{carrier}")
def close_manifest(warehouse_id: int, carrier: str, db: Session = Depends(get_db)):
    shipments = (
        db.query(Shipment)
        .options(selectinload(Shipment.order).selectinload(Order.lines))
        .filter(
            Shipment.warehouse_id == warehouse_id,
            Shipment.carrier == carrier,
            Shipment.status == "packed",
        )
        .order_by(Shipment.id)
        .limit(MAX_MANIFEST_SIZE)
        .all()  # ok: DB002
    )
    product_ids = {line.product_id for s in shipments for line in s.order.lines}
    weights = dict(
        db.query(Product.id, Product.weight_grams).filter(Product.id.in_(product_ids)).all()  # ok: DB001
    )

    manifest = []
    for shipment in shipments:
        total_grams = sum(weights.get(line.product_id, 0) * line.quantity for line in shipment.order.lines)
        manifest.append(
            {
                "shipment_id": shipment.id,
                "tracking_number": shipment.tracking_number,
                "weight_grams": total_grams,
            }
        )
        shipment.status = "manifested"
    db.commit()  # ok: DB003

    log.info("manifest for %s in warehouse %s: %d shipments", carrier, warehouse_id, len(manifest))
    return {
        "carrier": carrier,
        "date": date.today().isoformat(),
        "shipments": manifest,
        "more_pending": len(shipments) == MAX_MANIFEST_SIZE,
    }
