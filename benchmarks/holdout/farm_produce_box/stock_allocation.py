"""Allocate farm stock to the week's confirmed boxes.

Run once per week after the order cut-off: python -m farm_produce_box.stock_allocation 2024-06-17
"""
import logging
import sys
from collections import defaultdict
from datetime import date

from psycopg2.extras import RealDictCursor, execute_batch, execute_values

from .config import load_settings
from .db import Database

logger = logging.getLogger(__name__)


def plan_allocations(needs, stock_by_product, week_start):
    """Spread each product's demand over farms in priority order. Pure function, no I/O."""
    allocations, shortfalls = [], {}
    for need in needs:
        remaining = need["needed"]
        for row in stock_by_product.get(need["product_id"], []):
            if remaining <= 0:
                break
            take = min(remaining, row["available"])
            allocations.append(
                {"farm_id": row["farm_id"], "product_id": need["product_id"], "quantity": take, "week_start": week_start}
            )
            remaining -= take
        if remaining > 0:
            shortfalls[need["product_id"]] = remaining
    return allocations, shortfalls


def allocate_week(db, week_start):
    """Allocate once per week: the run row, the stock rows and the allocation rows commit together."""
    with db.connection() as conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
        cur.execute(
            "INSERT INTO allocation_runs (week_start) VALUES (%s) ON CONFLICT (week_start) DO NOTHING RETURNING week_start",  # ok: DB005
            (week_start,),
        )
        if cur.fetchone() is None:
            logger.info("week %s already allocated, nothing to do", week_start)
            return {}
        cur.execute(
            "SELECT bc.product_id, SUM(bc.quantity) AS needed FROM orders o "
            "JOIN box_contents bc ON bc.box_type_id = o.box_type_id "
            "WHERE o.week_start = %s AND o.status = 'confirmed' GROUP BY bc.product_id",
            (week_start,),
        )
        needs = cur.fetchall()
        cur.execute(
            "SELECT farm_id, product_id, available FROM farm_stock "
            "WHERE week_start = %s AND available > 0 ORDER BY product_id, priority FOR UPDATE",  # ok: DB004
            (week_start,),
        )
        stock_by_product = defaultdict(list)
        for row in cur.fetchall():
            stock_by_product[row["product_id"]].append(row)

        allocations, shortfalls = plan_allocations(needs, stock_by_product, week_start)
        execute_batch(
            cur,
            "UPDATE farm_stock SET available = available - %(quantity)s "
            "WHERE farm_id = %(farm_id)s AND product_id = %(product_id)s AND week_start = %(week_start)s",
            allocations,
            page_size=200,
        )
        execute_values(
            cur,
            "INSERT INTO allocations (week_start, farm_id, product_id, quantity) VALUES %s",
            [(a["week_start"], a["farm_id"], a["product_id"], a["quantity"]) for a in allocations],
            page_size=500,
        )
    logger.info("allocated week %s: %d lines, %d products short", week_start, len(allocations), len(shortfalls))
    return shortfalls


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    settings = load_settings()
    database = Database(settings.database_dsn, maxconn=2)
    try:
        short = allocate_week(database, date.fromisoformat(sys.argv[1]))
    finally:
        database.close()
    for product_id, missing in sorted(short.items()):
        print(f"product {product_id}: short by {missing}")
