"""SQL for return authorisations (RMAs)."""
import asyncpg

from app.db import RmaStatus

RMA_COLUMNS = (
    "id, order_id, order_line_id, customer_id, sku, quantity, reason, status, "
    "label_key, tracking_number, created_at, updated_at"
)
SORT_COLUMNS = {"created": "created_at", "updated": "updated_at", "status": "status"}
MAX_PAGE_SIZE = 100


async def get_for_customer(conn: asyncpg.Connection, rma_id: int, customer_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"SELECT {RMA_COLUMNS} FROM rma WHERE id = $1 AND customer_id = $2",  # ok: SEC001
        rma_id,
        customer_id,
    )


async def list_for_customer(conn: asyncpg.Connection, customer_id: str, *, status: str | None,
                            sort: str, limit: int, offset: int) -> list[asyncpg.Record]:
    order_column = SORT_COLUMNS.get(sort, "created_at")
    return await conn.fetch(
        f"SELECT {RMA_COLUMNS} FROM rma "
        "WHERE customer_id = $1 AND ($2::text IS NULL OR status = $2) "
        f"ORDER BY {order_column} DESC LIMIT $3 OFFSET $4",
        customer_id,
        status,
        min(limit, MAX_PAGE_SIZE),
        offset,
    )


async def order_line_for_customer(conn: asyncpg.Connection, order_line_id: int,
                                  customer_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT ol.id, ol.order_id, ol.sku, ol.quantity, o.delivered_at "
        "FROM order_lines ol JOIN orders o ON o.id = ol.order_id "
        "WHERE ol.id = $1 AND o.customer_id = $2",
        order_line_id,
        customer_id,
    )


async def create_rma_within_limit(conn: asyncpg.Connection, *, order_line_id: int, customer_id: str,
                                  quantity: int, reason: str) -> int | None:
    """Insert an RMA unless it would return more units than were ordered on the line."""
    async with conn.transaction():
        line = await conn.fetchrow(
            "SELECT ol.id, ol.order_id, ol.sku, ol.quantity FROM order_lines ol "
            "JOIN orders o ON o.id = ol.order_id "
            "WHERE ol.id = $1 AND o.customer_id = $2 FOR UPDATE OF ol",  # ok: DB005
            order_line_id,
            customer_id,
        )
        if line is None:
            return None
        already = await conn.fetchval(
            "SELECT COALESCE(SUM(quantity), 0) FROM rma WHERE order_line_id = $1 AND status <> $2",
            order_line_id,
            RmaStatus.CANCELLED,
        )
        if already + quantity > line["quantity"]:
            return None
        return await conn.fetchval(
            "INSERT INTO rma (order_id, order_line_id, customer_id, sku, quantity, reason, status) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            line["order_id"],
            order_line_id,
            customer_id,
            line["sku"],
            quantity,
            reason,
            RmaStatus.AWAITING_LABEL,
        )


async def attach_label(conn: asyncpg.Connection, rma_id: int, label_key: str, tracking_number: str) -> bool:
    updated = await conn.fetchval(
        "UPDATE rma SET label_key = $2, tracking_number = $3, status = $4, updated_at = now() "
        "WHERE id = $1 AND status = $5 RETURNING id",
        rma_id,
        label_key,
        tracking_number,
        RmaStatus.AWAITING_SHIPMENT,
        RmaStatus.AWAITING_LABEL,
    )
    return updated is not None


async def add_photo(conn: asyncpg.Connection, rma_id: int, s3_key: str, content_type: str) -> None:
    await conn.execute(
        "INSERT INTO rma_photos (rma_id, s3_key, content_type) VALUES ($1, $2, $3)",
        rma_id,
        s3_key,
        content_type,
    )
