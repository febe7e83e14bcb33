"""Customer endpoints for ordering, listing and skipping weekly produce boxes."""
import logging
import threading

from flask import Blueprint, abort, current_app, jsonify, request, session

from .db import get_db
from .mailer import send_order_confirmation

logger = logging.getLogger(__name__)
bp = Blueprint("orders", __name__, url_prefix="/orders")


def _current_customer_id():
    customer_id = session.get("customer_id")
    if customer_id is None:
        abort(401)
    return customer_id


@bp.post("")
def place_order():
    customer_id = _current_customer_id()
    data = request.get_json(silent=True) or {}
    box_code = data.get("box")
    week_start = data.get("week_start")
    if not box_code or not week_start:
        return jsonify(error="box and week_start are required"), 400

    with get_db().cursor() as cur:
        cur.execute(
            "SELECT id, price_pence, stock_remaining FROM box_types WHERE code = %s AND week_start = %s",
            (box_code, week_start),
        )
        box = cur.fetchone()
        if box is None:
            return jsonify(error="box not available this week"), 404
        if box["stock_remaining"] < 1:
            return jsonify(error="sold out"), 409
        cur.execute(
            "UPDATE box_types SET stock_remaining = %s WHERE id = %s",  # expect: DB004
            (box["stock_remaining"] - 1, box["id"]),
        )
        cur.execute(
            "INSERT INTO orders (customer_id, box_type_id, week_start, status, total_pence) "
            "VALUES (%s, %s, %s, 'confirmed', %s) RETURNING id",
            (customer_id, box["id"], week_start, box["price_pence"]),
        )
        order_id = cur.fetchone()["id"]

    threading.Thread(  # expect: CON003, REL005
        target=send_order_confirmation,
        args=(current_app._get_current_object(), customer_id, order_id),
        daemon=True,
    ).start()
    logger.info("order %s placed by customer %s for week %s", order_id, customer_id, week_start)
    return jsonify(id=order_id, status="confirmed"), 201


@bp.get("")
def my_orders():
    customer_id = _current_customer_id()
    status = request.args.get("status")
    sql = "SELECT id, week_start, status, total_pence FROM orders WHERE customer_id = %s"
    if status:
        sql += f" AND status = '{status}'"  # expect: SEC001
    sql += " ORDER BY week_start DESC LIMIT 52"
    with get_db().cursor() as cur:
        cur.execute(sql, (customer_id,))
        rows = cur.fetchall()
    return jsonify(orders=[{**row, "week_start": row["week_start"].isoformat()} for row in rows])


@bp.post("/<int:order_id>/skip")
def skip_week(order_id):
    customer_id = _current_customer_id()
    with get_db().cursor() as cur:
        cur.execute(
            "UPDATE orders SET status = 'skipped' WHERE id = %s AND customer_id = %s AND status = 'confirmed' "
            "RETURNING box_type_id",
            (order_id, customer_id),
        )
        row = cur.fetchone()
        if row is None:
            return jsonify(error="order not found or already skipped"), 404
        cur.execute(
            "UPDATE box_types SET stock_remaining = stock_remaining + 1 WHERE id = %s",  # ok: DB004
            (row["box_type_id"],),
        )
    logger.info("order %s skipped by customer %s", order_id, customer_id)
    return jsonify(id=order_id, status="skipped")
