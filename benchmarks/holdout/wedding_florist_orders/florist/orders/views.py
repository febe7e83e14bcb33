"""Bouquet and venue-arrangement orders: list, create, and the couple's status page."""

from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, abort, jsonify, request

from florist.auth import staff_required
from florist.db import fetch_all, fetch_one, transaction

logger = logging.getLogger(__name__)
bp = Blueprint("orders", __name__, url_prefix="/orders")

PAGE_SIZE = 50
ORDER_STATUSES = {"enquiry", "booked", "ready", "delivered", "cancelled"}


@bp.get("")
@staff_required
def list_orders():
    status = request.args.get("status", "booked")
    if status not in ORDER_STATUSES:
        abort(400, description="unknown status")
    sort = request.args.get("sort", "wedding_date")
    page = max(request.args.get("page", 1, type=int), 1)
    rows = fetch_all(
        "SELECT id, couple_name, wedding_date, venue, status, total_pence FROM flower_order "
        f"WHERE status = %s ORDER BY {sort} LIMIT %s OFFSET %s",  # expect: SEC001
        (status, PAGE_SIZE, (page - 1) * PAGE_SIZE),
    )
    return jsonify(page=page, orders=rows)


@bp.post("")
@staff_required
def create_order():
    data = request.get_json(silent=True) or {}
    try:
        wedding_date = date.fromisoformat(data["wedding_date"])
        items = [(int(i["flower_id"]), int(i["stems"])) for i in data["items"]]
        couple_name, venue = str(data["couple_name"]), str(data["venue"])
    except (KeyError, TypeError, ValueError):
        abort(400, description="wedding_date, couple_name, venue and items are required")
    if not items or any(stems <= 0 for _, stems in items):
        abort(400, description="every item needs a positive stem count")

    with transaction() as conn:
        order = conn.execute(
            "INSERT INTO flower_order (couple_name, couple_email, couple_phone, wedding_date, venue, "
            "delivery_address, postcode, status) VALUES (%s, %s, %s, %s, %s, %s, %s, 'booked') RETURNING id",
            (couple_name, data.get("couple_email"), data.get("couple_phone"), wedding_date, venue,
             data.get("delivery_address", venue), data.get("postcode")),
        ).fetchone()
        for flower_id, stems in items:
            stock = conn.execute(
                "SELECT stems_available, price_pence FROM stem_stock WHERE flower_id = %s", (flower_id,)
            ).fetchone()
            if stock is None or stock["stems_available"] < stems:
                abort(409, description=f"not enough stems of flower {flower_id} in the cold room")
            remaining = stock["stems_available"] - stems
            conn.execute(
                "UPDATE stem_stock SET stems_available = %s, updated_at = now() WHERE flower_id = %s",  # expect: DB004
                (remaining, flower_id),
            )
            conn.execute(
                "INSERT INTO order_line (order_id, flower_id, stems, unit_price_pence) VALUES (%s, %s, %s, %s)",
                (order["id"], flower_id, stems, stock["price_pence"]),
            )
        conn.execute(
            "UPDATE flower_order SET total_pence = (SELECT sum(stems * unit_price_pence) FROM order_line "
            "WHERE order_id = %s) WHERE id = %s",
            (order["id"], order["id"]),
        )
    logger.info("order %s created for %s on %s", order["id"], couple_name, wedding_date)
    return jsonify(id=order["id"]), 201


@bp.get("/<int:order_id>/status")
def order_status(order_id: int):
    """Status page the couple reaches from the link in their confirmation e-mail."""
    row = fetch_one(  # expect: SEC018
        "SELECT id, couple_name, wedding_date, venue, delivery_address, status, total_pence, "
        "deposit_paid_pence FROM flower_order WHERE id = %s",
        (order_id,),
    )
    if row is None:
        abort(404, description="order not found")
    return jsonify(row)
