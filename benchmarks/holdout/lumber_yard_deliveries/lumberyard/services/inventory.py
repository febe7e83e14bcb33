"""Stock bookkeeping for the yards: board-feet on hand per SKU and yard.

All functions take a cursor from the caller's transaction, so an order's lines
are allocated together or not at all.
"""
import logging
from decimal import Decimal

logger = logging.getLogger(__name__)


class OutOfStock(Exception):
    pass


class UnknownSku(OutOfStock):
    pass


def price_for(cur, sku: str, board_feet: int) -> Decimal:
    """Unit price per board-foot, with the bulk price above the threshold."""
    cur.execute(
        "SELECT unit_price, bulk_price, bulk_threshold FROM price_list WHERE sku = %s",
        (sku,),
    )
    row = cur.fetchone()
    if row is None:
        raise UnknownSku(f"{sku} is not on the price list")
    if row["bulk_price"] is not None and board_feet >= row["bulk_threshold"]:
        return Decimal(row["bulk_price"])
    return Decimal(row["unit_price"])


def allocate(cur, yard: str, sku: str, board_feet: int) -> Decimal:
    """Take board_feet of sku out of the yard's stock and return the unit price."""
    cur.execute(
        "SELECT on_hand FROM yard_stock WHERE yard = %s AND sku = %s",
        (yard, sku),
    )
    row = cur.fetchone()
    if row is None:
        raise UnknownSku(f"{sku} is not stocked at {yard}")
    on_hand = row["on_hand"]
    if on_hand < board_feet:
        raise OutOfStock(f"only {on_hand} board-feet of {sku} left at {yard}")
    cur.execute("UPDATE yard_stock SET on_hand = %s, updated_at = now() WHERE yard = %s AND sku = %s", (on_hand - board_feet, yard, sku))  # expect: DB004, DB005
    cur.execute(
        "INSERT INTO stock_movements (yard, sku, delta, reason, created_at) "
        "VALUES (%s, %s, %s, 'order', now())",
        (yard, sku, -board_feet),
    )
    return price_for(cur, sku, board_feet)


def release(cur, yard: str, sku: str, board_feet: int, reason: str = "order_cancelled") -> None:
    """Put stock back, e.g. when an order is cancelled before loading."""
    cur.execute(
        "UPDATE yard_stock SET on_hand = on_hand + %s, updated_at = now() "
        "WHERE yard = %s AND sku = %s",
        (board_feet, yard, sku),
    )
    cur.execute(
        "INSERT INTO stock_movements (yard, sku, delta, reason, created_at) "
        "VALUES (%s, %s, %s, %s, now())",
        (yard, sku, board_feet, reason),
    )


def receive_delivery(cur, yard: str, sku: str, board_feet: int, received_by: int) -> None:
    """Record a mill delivery arriving at the yard."""
    cur.execute(
        "INSERT INTO yard_stock (yard, sku, on_hand, updated_at) VALUES (%s, %s, %s, now()) "
        "ON CONFLICT (yard, sku) DO UPDATE "
        "SET on_hand = yard_stock.on_hand + EXCLUDED.on_hand, updated_at = now()",
        (yard, sku, board_feet),
    )
    cur.execute(
        "INSERT INTO stock_movements (yard, sku, delta, reason, staff_id, created_at) "
        "VALUES (%s, %s, %s, 'mill_delivery', %s, now())",
        (yard, sku, board_feet, received_by),
    )
    logger.info("received %d board-feet of %s at %s", board_feet, sku, yard)
