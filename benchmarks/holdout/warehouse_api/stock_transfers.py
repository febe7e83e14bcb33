"""Endpoints that move stock between warehouses and record cycle counts."""
import logging

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from .database import pg_cursor

log = logging.getLogger(__name__)
router = APIRouter(prefix="/stock", tags=["stock"])


class Transfer(BaseModel):
    sku: str
    from_warehouse: int
    to_warehouse: int
    quantity: int = Field(..., gt=0)


class CycleCount(BaseModel):
    sku: str
    warehouse_id: int
    counted: int = Field(..., ge=0)
    counted_by: str


@router.post("/transfer")
def transfer_stock(t: Transfer):
    with pg_cursor() as cur:
        cur.execute(  # ok: DB004
            "UPDATE stock SET quantity = quantity - %s "
            "WHERE sku = %s AND warehouse_id = %s AND quantity >= %s RETURNING quantity",
            (t.quantity, t.sku, t.from_warehouse, t.quantity),
        )
        source = cur.fetchone()
        if source is None:
            raise HTTPException(status_code=409, detail="not enough stock at the source warehouse")
        cur.execute(  # ok: DB005
            "INSERT INTO stock (sku, warehouse_id, quantity) VALUES (%s, %s, %s) "
            "ON CONFLICT (sku, warehouse_id) DO UPDATE SET quantity = stock.quantity + EXCLUDED.quantity "
            "RETURNING quantity",
            (t.sku, t.to_warehouse, t.quantity),
        )
        destination = cur.fetchone()
    log.info("moved %s x%d from %s to %s", t.sku, t.quantity, t.from_warehouse, t.to_warehouse)
    return {"source_quantity": source[0], "destination_quantity": destination[0]}


@router.post("/count")
def record_cycle_count(c: CycleCount):
    with pg_cursor() as cur:
        cur.execute(
            "SELECT quantity FROM stock WHERE sku = %s AND warehouse_id = %s FOR UPDATE",
            (c.sku, c.warehouse_id),
        )
        row = cur.fetchone()
        if row is None:
            raise HTTPException(status_code=404, detail="unknown sku for this warehouse")
        variance = c.counted - row[0]
        cur.execute(  # ok: DB004
            "UPDATE stock SET quantity = %s WHERE sku = %s AND warehouse_id = %s",
            (c.counted, c.sku, c.warehouse_id),
        )
        cur.execute(
            "INSERT INTO stock_variances (sku, warehouse_id, variance, counted_by) VALUES (%s, %s, %s, %s)",
            (c.sku, c.warehouse_id, variance, c.counted_by),
        )
    return {"sku": c.sku, "quantity": c.counted, "variance": variance}
