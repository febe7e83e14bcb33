"""Move stock between yards and apply cycle-count corrections (yard staff only).

These paths read the current stock, decide in Python, then write it back, so
they lock the rows they read for the rest of the caller's transaction.
"""
import logging

logger = logging.getLogger(__name__)


class InsufficientStock(Exception):
    pass


def transfer(cur, sku: str, from_yard: str, to_yard: str, board_feet: int, staff_id: int) -> int:
    """Move board_feet of sku from one yard to another; returns what is left at the source."""
    if from_yard == to_yard:
        raise ValueError("source and destination yard are the same")
    if board_feet <= 0:
        raise ValueError("board_feet must be positive")

    # Lock both rows in a fixed order so two opposite transfers cannot deadlock.
    cur.execute(
        "SELECT yard, on_hand FROM yard_stock WHERE sku = %s AND yard IN (%s, %s) "
        "ORDER BY yard FOR UPDATE",
        (sku, from_yard, to_yard),
    )
    on_hand = {row["yard"]: row["on_hand"] for row in cur.fetchall()}
    available = on_hand.get(from_yard, 0)
    if available < board_feet:
        raise InsufficientStock(f"{from_yard} has {available} board-feet of {sku}")

    remaining = available - board_feet
    cur.execute("UPDATE yard_stock SET on_hand = %s, updated_at = now() WHERE sku = %s AND yard = %s", (remaining, sku, from_yard))  # ok: DB004
    cur.execute(
        "INSERT INTO yard_stock (yard, sku, on_hand, updated_at) VALUES (%s, %s, %s, now()) "
        "ON CONFLICT (yard, sku) DO UPDATE "
        "SET on_hand = yard_stock.on_hand + EXCLUDED.on_hand, updated_at = now()",
        (to_yard, sku, board_feet),
    )
    cur.execute(
        "INSERT INTO stock_movements (yard, sku, delta, reason, staff_id, created_at) "
        "VALUES (%s, %s, %s, 'transfer_out', %s, now()), (%s, %s, %s, 'transfer_in', %s, now())",
        (from_yard, sku, -board_feet, staff_id, to_yard, sku, board_feet, staff_id),
    )
    logger.info("moved %d bf of %s from %s to %s", board_feet, sku, from_yard, to_yard)
    return remaining


def apply_cycle_count(cur, yard: str, sku: str, counted: int, staff_id: int) -> int:
    """Set stock to what was physically counted; returns the correction applied."""
    if counted < 0:
        raise ValueError("a count cannot be negative")
    cur.execute(
        "SELECT on_hand FROM yard_stock WHERE yard = %s AND sku = %s FOR UPDATE",
        (yard, sku),
    )
    row = cur.fetchone()
    recorded = row["on_hand"] if row else 0
    delta = counted - recorded
    if delta == 0:
        return 0
    cur.execute(
        "INSERT INTO yard_stock (yard, sku, on_hand, updated_at) VALUES (%s, %s, %s, now()) "
        "ON CONFLICT (yard, sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now()",
        (yard, sku, counted),
    )
    cur.execute(
        "INSERT INTO stock_movements (yard, sku, delta, reason, staff_id, created_at) "
        "VALUES (%s, %s, %s, 'cycle_count', %s, now())",
        (yard, sku, delta, staff_id),
    )
    return delta
