"""Stock movements for parts used by the van-stock sync and the workshop kiosk."""

import logging
from dataclasses import dataclass

import psycopg

log = logging.getLogger(__name__)

REORDER_QTY = 12


class OutOfStock(Exception):
    def __init__(self, sku: str):
        super().__init__(f"not enough stock for {sku}")
        self.sku = sku


@dataclass(frozen=True)
class PartLine:
    sku: str
    qty: int


def take_parts(conn: psycopg.Connection, visit_id: int, lines: list[PartLine]) -> list[str]:
    """Take parts off stock for a visit. Returns the SKUs that fell to their reorder point.

    Runs inside the caller's transaction; raising OutOfStock rolls every line back.
    """
    low = []
    for line in lines:
        part = conn.execute("UPDATE parts SET qty_on_hand = qty_on_hand - %s WHERE sku = %s AND qty_on_hand >= %s RETURNING id, qty_on_hand, reorder_point, unit_price_cents", (line.qty, line.sku, line.qty)).fetchone()  # ok: DB004
        if part is None:
            raise OutOfStock(line.sku)
        conn.execute(
            "INSERT INTO visit_parts (visit_id, part_id, qty, unit_price_cents) VALUES (%s, %s, %s, %s)",
            (visit_id, part["id"], line.qty, part["unit_price_cents"]),
        )
        if part["qty_on_hand"] <= part["reorder_point"]:
            low.append(line.sku)

    for sku in low:
        conn.execute("INSERT INTO part_orders (sku, qty, status) VALUES (%s, %s, 'pending') ON CONFLICT (sku) WHERE status = 'pending' DO NOTHING", (sku, REORDER_QTY))  # ok: DB005
    log.info("visit %s took %d part lines; %d below reorder point", visit_id, len(lines), len(low))
    return low


def return_parts(conn: psycopg.Connection, visit_id: int, sku: str, qty: int) -> None:
    """Put unused parts back on the shelf."""
    conn.execute(
        "UPDATE parts SET qty_on_hand = qty_on_hand + %s WHERE sku = %s", (qty, sku)
    )
    conn.execute(
        "INSERT INTO visit_parts (visit_id, part_id, qty, unit_price_cents)"
        " SELECT %s, id, -%s, unit_price_cents FROM parts WHERE sku = %s",
        (visit_id, qty, sku),
    )


def _order_row(order: dict) -> dict:
    return {
        "id": order["id"],
        "sku": order["sku"],
        "qty": order["qty"],
        "status": order["status"],
        "supplier_ref": order["supplier_ref"],
        "created_at": order["created_at"].isoformat(),
        "supplier": {"id": order["supplier_id"], "name": order["supplier_name"] or "unknown"},
    }


def part_orders_page(conn: psycopg.Connection, limit: int, offset: int) -> list[dict]:
    rows = conn.execute(
        "SELECT o.id, o.sku, o.qty, o.status, o.supplier_ref, o.created_at,"
        " o.supplier_id, s.name AS supplier_name"
        " FROM part_orders o LEFT JOIN suppliers s ON s.id = o.supplier_id"
        " ORDER BY o.id DESC LIMIT %s OFFSET %s",
        (limit, offset),
    ).fetchall()
    return [_order_row(row) for row in rows]  # ok: DB001
