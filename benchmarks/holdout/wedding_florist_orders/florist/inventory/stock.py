"""Cold-room stem stock: levels, reservations and wastage, each as a locked or conditional write."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, jsonify, request, session
from psycopg import Connection

from florist.auth import staff_required
from florist.db import fetch_all, transaction

logger = logging.getLogger(__name__)
bp = Blueprint("stock", __name__, url_prefix="/stock")

WASTAGE_REASONS = {"wilted", "damaged", "overstock", "quality_reject"}


class InsufficientStems(Exception):
    def __init__(self, flower_id: int, wanted: int) -> None:
        super().__init__(f"fewer than {wanted} stems of flower {flower_id} left")
        self.flower_id = flower_id


def reserve_stems(conn: Connection, order_id: int, flower_id: int, stems: int) -> int:
    """Take stems for an order in one statement; returns what is left in the cold room."""
    row = conn.execute(
        "UPDATE stem_stock SET stems_available = stems_available - %s, updated_at = now() "
        "WHERE flower_id = %s AND stems_available >= %s RETURNING stems_available",  # ok: DB004
        (stems, flower_id, stems),
    ).fetchone()
    if row is None:
        raise InsufficientStems(flower_id, stems)
    conn.execute(
        "INSERT INTO stem_movement (flower_id, order_id, kind, stems) VALUES (%s, %s, 'reserved', %s)",
        (flower_id, order_id, -stems),
    )
    return row["stems_available"]


def record_wastage(conn: Connection, flower_id: int, stems: int, reason: str, staff_id: int) -> int:
    row = conn.execute(
        "SELECT stems_available FROM stem_stock WHERE flower_id = %s FOR UPDATE", (flower_id,)  # ok: DB005
    ).fetchone()
    if row is None:
        raise KeyError(flower_id)
    binned = min(stems, row["stems_available"])
    conn.execute(
        "UPDATE stem_stock SET stems_available = %s, updated_at = now() WHERE flower_id = %s",
        (row["stems_available"] - binned, flower_id),
    )
    conn.execute(
        "INSERT INTO stem_movement (flower_id, kind, stems, reason, staff_id) VALUES (%s, 'wastage', %s, %s, %s)",
        (flower_id, -binned, reason, staff_id),
    )
    return binned


@bp.get("")
@staff_required
def stock_levels():
    rows = fetch_all(
        "SELECT f.id, f.name, f.colour, s.stems_available, s.cold_room_bay, s.updated_at "
        "FROM flower f JOIN stem_stock s ON s.flower_id = f.id ORDER BY f.name"
    )
    return jsonify(flowers=rows)


@bp.post("/<int:flower_id>/wastage")
@staff_required
def log_wastage(flower_id: int):
    data = request.get_json(silent=True) or {}
    reason = data.get("reason")
    stems = data.get("stems")
    if reason not in WASTAGE_REASONS or not isinstance(stems, int) or stems <= 0:
        abort(400, description=f"stems must be positive and reason one of {sorted(WASTAGE_REASONS)}")
    try:
        with transaction() as conn:
            binned = record_wastage(conn, flower_id, stems, reason, session["staff_id"])
    except KeyError:
        abort(404, description="flower not stocked")
    logger.info("%d stems of flower %s binned (%s)", binned, flower_id, reason)
    return jsonify(flower_id=flower_id, binned=binned)
