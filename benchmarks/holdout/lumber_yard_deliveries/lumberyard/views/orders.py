"""Contractor orders: place an order for lumber, list and look up orders."""
import logging

from flask import Blueprint, abort, current_app, g, jsonify, request

from ..auth import contractor_required
from ..db import cursor, transaction
from ..services import dispatch, inventory

bp = Blueprint("orders", __name__, url_prefix="/orders")
logger = logging.getLogger(__name__)


def _parse_lines(payload: dict) -> list[tuple[str, int]]:
    lines = payload.get("lines")
    if not isinstance(lines, list) or not 0 < len(lines) <= current_app.config["MAX_ORDER_LINES"]:
        abort(400, description="lines must be a non-empty list")
    parsed = []
    for line in lines:
        try:
            sku = str(line["sku"]).strip().upper()
            board_feet = int(line["board_feet"])
        except (KeyError, TypeError, ValueError):
            abort(400, description="each line needs a sku and whole board_feet")
        if board_feet <= 0:
            abort(400, description=f"board_feet must be positive for {sku}")
        parsed.append((sku, board_feet))
    return parsed


@bp.post("")
@contractor_required
def place_order():
    payload = request.get_json(silent=True) or {}
    lines = _parse_lines(payload)
    yard = payload.get("yard")
    if yard not in current_app.config["YARDS"]:
        abort(400, description="unknown yard")
    address = (payload.get("delivery_address") or "").strip()
    if not address:
        abort(400, description="delivery_address is required")

    try:
        with transaction() as cur:
            cur.execute(
                "INSERT INTO orders (contractor_id, yard, status, delivery_address, created_at) "
                "VALUES (%s, %s, 'pending', %s, now()) RETURNING id",
                (g.contractor_id, yard, address),
            )
            order_id = cur.fetchone()["id"]
            for sku, board_feet in lines:
                unit_price = inventory.allocate(cur, yard, sku, board_feet)
                cur.execute(
                    "INSERT INTO order_lines (order_id, sku, board_feet, unit_price) "
                    "VALUES (%s, %s, %s, %s)",
                    (order_id, sku, board_feet, unit_price),
                )
            dispatch.enqueue_in_tx(cur, order_id, yard)
    except inventory.OutOfStock as exc:
        abort(409, description=str(exc))

    logger.info("order %s placed at %s with %d lines", order_id, yard, len(lines))
    return jsonify(id=order_id, status="pending"), 201


@bp.get("")
@contractor_required
def list_orders():
    limit = min(max(request.args.get("limit", 25, type=int), 1), 100)
    before = request.args.get("before", type=int)
    with cursor() as cur:
        cur.execute(
            "SELECT id, yard, status, delivery_address, created_at FROM orders "
            "WHERE contractor_id = %s AND (%s::bigint IS NULL OR id < %s) "
            "ORDER BY id DESC LIMIT %s",
            (g.contractor_id, before, before, limit),
        )
        rows = cur.fetchall()
    next_before = rows[-1]["id"] if len(rows) == limit else None
    return jsonify(orders=rows, next_before=next_before)


@bp.get("/<int:order_id>")
@contractor_required
def get_order(order_id: int):
    with cursor() as cur:
        cur.execute("SELECT id, contractor_id, yard, status, delivery_address, scheduled_window_id FROM orders WHERE id = %s", (order_id,))  # expect: SEC018
        order = cur.fetchone()
        if order is None:
            abort(404, description="no such order")
        cur.execute(
            "SELECT sku, board_feet, unit_price FROM order_lines WHERE order_id = %s ORDER BY id",
            (order_id,),
        )
        order["lines"] = cur.fetchall()
    return jsonify(order)


@bp.get("/search")
@contractor_required
def search_orders():
    term = request.args.get("q", "").strip()
    if len(term) < 3:
        abort(400, description="search term must be at least 3 characters")
    with cursor() as cur:
        cur.execute("SELECT id, yard, status, delivery_address, created_at FROM orders WHERE contractor_id = %s AND delivery_address ILIKE %s ORDER BY id DESC LIMIT 50", (g.contractor_id, f"%{term}%"))  # expect: DB006
        rows = cur.fetchall()
    return jsonify(orders=rows)
