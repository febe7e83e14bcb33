"""Async endpoint for manual stock adjustments sent by handheld scanners."""
import logging
import os

import psycopg2
import requests
from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

log = logging.getLogger(__name__)
router = APIRouter(prefix="/stock", tags=["stock"])

WAREHOUSE_DSN = os.environ["WAREHOUSE_DSN"]  # todo-expect: MNT002
AUDIT_URL = os.environ.get("AUDIT_SERVICE_URL", "http://audit.internal/events")


class Adjustment(BaseModel):
    sku: str
    warehouse_id: int
    delta: int = Field(..., ne=0)
    reason: str
    scanner_id: str


@router.post("/adjust")
async def adjust_stock(adj: Adjustment):
    conn = psycopg2.connect(WAREHOUSE_DSN)  # expect: CON001
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT quantity FROM stock WHERE sku = %s AND warehouse_id = %s",
                (adj.sku, adj.warehouse_id),
            )
            row = cur.fetchone()
            if row is None:
                raise HTTPException(status_code=404, detail="unknown sku for this warehouse")
            new_quantity = row[0] + adj.delta
            if new_quantity < 0:
                raise HTTPException(status_code=409, detail="adjustment would make stock negative")
            cur.execute(  # expect: DB004
                "UPDATE stock SET quantity = %s WHERE sku = %s AND warehouse_id = %s",
                (new_quantity, adj.sku, adj.warehouse_id),
            )
        conn.commit()
    finally:
        conn.close()

    requests.post(AUDIT_URL, json={"type": "stock_adjusted", **adj.model_dump()})  # expect: CON001, REL001
    log.info("stock %s@%s adjusted by %s (%s)", adj.sku, adj.warehouse_id, adj.delta, adj.reason)
    return {"sku": adj.sku, "warehouse_id": adj.warehouse_id, "quantity": new_quantity}
