"""Parts fitted during visits (strings, hammers, dampers) and supplier reorders."""

import logging

from flask import Blueprint, abort, jsonify, make_response, request, session

from ..auth import admin_required, technician_required
from ..db import connection, page_args

log = logging.getLogger(__name__)
bp = Blueprint("parts", __name__)

MAX_LINES_PER_VISIT = 30
DEFAULT_REORDER_QTY = 12


def _validated_lines(payload) -> list[dict]:
    lines = payload.get("parts") if isinstance(payload, dict) else None
    if not isinstance(lines, list) or not 0 < len(lines) <= MAX_LINES_PER_VISIT:
        abort(400, description=f"parts must be a list of 1-{MAX_LINES_PER_VISIT} lines")
    cleaned = []
    for line in lines:
        try:
            cleaned.append({"sku": str(line["sku"]), "qty": int(line["qty"])})
        except (KeyError, TypeError, ValueError):
            abort(400, description="each line needs sku and qty")
        if cleaned[-1]["qty"] <= 0:
            abort(400, description="qty must be positive")
    return cleaned


@bp.post("/technician/visits/<int:visit_id>/parts")
@technician_required
def record_parts(visit_id: int):
    lines = _validated_lines(request.get_json(silent=True))
    reorder = []
    with connection() as conn:
        visit = conn.execute(
            "SELECT id FROM visits WHERE id = %s AND technician_id = %s AND status = 'booked'",
            (visit_id, session["account_id"]),
        ).fetchone()
        if visit is None:
            abort(404)

        for line in lines:
            part = conn.execute(
                "SELECT id, qty_on_hand, reorder_point, unit_price_cents FROM parts WHERE sku = %s",
                (line["sku"],),
            ).fetchone()
            if part is None:
                abort(400, description=f"unknown sku {line['sku']}")
            remaining = part["qty_on_hand"] - line["qty"]
            if remaining < 0:
                abort(make_response(jsonify(error="insufficient_stock", sku=line["sku"]), 409))
            conn.execute("UPDATE parts SET qty_on_hand = %s WHERE id = %s", (remaining, part["id"]))  # expect: DB004, DB005
            conn.execute(
                "INSERT INTO visit_parts (visit_id, part_id, qty, unit_price_cents) VALUES (%s, %s, %s, %s)",
                (visit_id, part["id"], line["qty"], part["unit_price_cents"]),
            )
            if remaining <= part["reorder_point"]:
                reorder.append(line["sku"])

        for sku in reorder:
            conn.execute(
                "INSERT INTO part_orders (sku, qty, status) VALUES (%s, %s, 'pending')"
                " ON CONFLICT (sku) WHERE status = 'pending' DO NOTHING",
                (sku, DEFAULT_REORDER_QTY),
            )
    log.info("visit %s: %d part lines recorded, %d reorders", visit_id, len(lines), len(reorder))
    return jsonify(visit_id=visit_id, lines=len(lines), reordered=reorder), 201


def _supplier_summary(conn, supplier_id: int) -> dict:
    row = conn.execute(
        "SELECT id, name, account_number FROM suppliers WHERE id = %s", (supplier_id,)
    ).fetchone()
    return row or {"id": supplier_id, "name": "unknown", "account_number": None}


@bp.get("/admin/part-orders")
@admin_required
def list_part_orders():
    limit, offset = page_args(
        request.args.get("page", 1, type=int), request.args.get("per_page", 50, type=int)
    )
    with connection() as conn:
        orders = conn.execute(
            "SELECT id, supplier_id, sku, qty, status, supplier_ref, created_at"
            " FROM part_orders ORDER BY id DESC LIMIT %s OFFSET %s",
            (limit, offset),
        ).fetchall()
        result = []
        for order in orders:
            result.append({**order, "created_at": order["created_at"].isoformat(), "supplier": _supplier_summary(conn, order["supplier_id"])})  # expect: DB001
    return jsonify(orders=result)
