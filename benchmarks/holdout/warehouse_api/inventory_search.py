"""Paginated inventory search by SKU or product name prefix."""
from fastapi import APIRouter, HTTPException, Query

from .database import pg_cursor

router = APIRouter(prefix="/inventory", tags=["inventory"])

SORT_COLUMNS = {
    "sku": "p.sku",
    "name": "p.name",
    "quantity": "s.quantity",
}


@router.get("/search")
def search_inventory(
    warehouse_id: int,
    q: str = "",
    sort: str = "sku",
    descending: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=200),
):
    order_column = SORT_COLUMNS.get(sort)
    if order_column is None:
        raise HTTPException(status_code=400, detail=f"sort must be one of {sorted(SORT_COLUMNS)}")
    order = "DESC" if descending else "ASC"
    query = (
        "SELECT p.sku, p.name, s.quantity FROM stock s "
        "JOIN products p ON p.id = s.product_id "
        "WHERE s.warehouse_id = %s AND (p.sku ILIKE %s OR p.name ILIKE %s) "
        f"ORDER BY {order_column} {order} LIMIT %s OFFSET %s"
    )
    prefix = f"{q}%"
    with pg_cursor() as cur:
        cur.execute(query, (warehouse_id, prefix, prefix, page_size, (page - 1) * page_size))  # ok: SEC001
        rows = cur.fetchall()  # ok: DB002
    return {
        "page": page,
        "page_size": page_size,
        "items": [{"sku": sku, "name": name, "quantity": qty} for sku, name, qty in rows],
    }
