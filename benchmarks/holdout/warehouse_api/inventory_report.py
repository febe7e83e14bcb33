"""Inventory valuation and low-stock report endpoints for the back office."""
from fastapi import APIRouter, Query

from .database import pg_cursor

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/inventory")
def inventory_report(warehouse_id: int, sort: str = "sku", direction: str = "asc"):
    query = (
        "SELECT p.sku, p.name, s.quantity, s.quantity * p.unit_cost AS value "
        "FROM stock s JOIN products p ON p.id = s.product_id "
        f"WHERE s.warehouse_id = %s ORDER BY {sort} {direction}"
    )
    with pg_cursor() as cur:
        cur.execute(query, (warehouse_id,))  # expect: SEC001
        rows = cur.fetchall()  # expect: DB002
    total_value = sum(float(row[3]) for row in rows)
    return {
        "warehouse_id": warehouse_id,
        "total_value": round(total_value, 2),
        "items": [
            {"sku": sku, "name": name, "quantity": quantity, "value": float(value)}
            for sku, name, quantity, value in rows
        ],
    }


@router.get("/low-stock")
def low_stock(
    warehouse_id: int,
    threshold: int = Query(10, ge=0),
    limit: int = Query(100, ge=1, le=500),
):
    with pg_cursor() as cur:
        cur.execute(  # ok: SEC001
            "SELECT p.sku, p.name, s.quantity FROM stock s "
            "JOIN products p ON p.id = s.product_id "
            "WHERE s.warehouse_id = %s AND s.quantity < %s "
            "ORDER BY s.quantity LIMIT %s",
            (warehouse_id, threshold, limit),
        )
        rows = cur.fetchall()  # ok: DB002
    return [{"sku": sku, "name": name, "quantity": quantity} for sku, name, quantity in rows]
