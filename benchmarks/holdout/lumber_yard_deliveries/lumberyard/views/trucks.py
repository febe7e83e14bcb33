"""Truck scheduling: contractors pick a delivery window for a placed order."""
import datetime as dt
import logging

from flask import Blueprint, abort, current_app, g, jsonify, request

from ..auth import contractor_required, yard_staff_required
from ..db import cursor, transaction
from ..services import scheduling

bp = Blueprint("trucks", __name__, url_prefix="/trucks")
logger = logging.getLogger(__name__)


def _parse_day(raw) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        abort(400, description="day must be YYYY-MM-DD")


@bp.get("/windows")
@contractor_required
def open_windows():
    day = _parse_day(request.args.get("day"))
    yard = request.args.get("yard")
    if yard not in current_app.config["YARDS"]:
        abort(400, description="unknown yard")
    start = dt.datetime.combine(day, dt.time.min)
    with cursor() as cur:
        cur.execute(
            "SELECT w.id, w.truck_id, w.starts_at, w.ends_at FROM delivery_windows w "
            "LEFT JOIN truck_bookings b ON b.window_id = w.id "
            "WHERE w.yard = %s AND w.starts_at >= %s AND w.starts_at < %s AND b.id IS NULL "
            "ORDER BY w.starts_at LIMIT 200",
            (yard, start, start + dt.timedelta(days=1)),
        )
        windows = cur.fetchall()
    return jsonify(day=day.isoformat(), yard=yard, windows=windows)


@bp.post("/bookings")
@contractor_required
def book_window():
    payload = request.get_json(silent=True) or {}
    order_id = payload.get("order_id")
    window_id = payload.get("window_id")
    if not isinstance(order_id, int) or not isinstance(window_id, int):
        abort(400, description="order_id and window_id are required")

    with transaction() as cur:
        cur.execute(
            "SELECT id, status FROM orders WHERE id = %s AND contractor_id = %s",
            (order_id, g.contractor_id),
        )
        order = cur.fetchone()
        if order is None:
            abort(404, description="no such order")
        if order["status"] != "pending":
            abort(409, description=f"order is already {order['status']}")
        cur.execute("SELECT count(*) AS n FROM truck_bookings WHERE window_id = %s", (window_id,))
        if cur.fetchone()["n"] > 0:
            return jsonify({"ok": False, "reason": "window already booked"})  # expect: MNT001
        cur.execute("INSERT INTO truck_bookings (window_id, order_id, booked_at) VALUES (%s, %s, now()) RETURNING id", (window_id, order_id))  # expect: DB005
        booking_id = cur.fetchone()["id"]
        cur.execute(
            "UPDATE orders SET status = 'scheduled', scheduled_window_id = %s WHERE id = %s",
            (window_id, order_id),
        )
    logger.info("order %s booked into window %s", order_id, window_id)
    return jsonify(id=booking_id, order_id=order_id, window_id=window_id), 201


@bp.delete("/bookings/<int:booking_id>")
@contractor_required
def cancel_booking(booking_id: int):
    with transaction() as cur:
        cur.execute(
            "DELETE FROM truck_bookings b USING orders o "
            "WHERE b.id = %s AND o.id = b.order_id AND o.contractor_id = %s "
            "RETURNING b.order_id",
            (booking_id, g.contractor_id),
        )
        row = cur.fetchone()
        if row is None:
            abort(404, description="no such booking")
        cur.execute(
            "UPDATE orders SET status = 'pending', scheduled_window_id = NULL WHERE id = %s",
            (row["order_id"],),
        )
    return "", 204


@bp.put("/windows/<int:window_id>/driver")
@contractor_required
@yard_staff_required
def assign_driver(window_id: int):
    driver_id = (request.get_json(silent=True) or {}).get("driver_id")
    if not isinstance(driver_id, int):
        abort(400, description="driver_id is required")
    with transaction() as cur:
        try:
            assignment_id = scheduling.assign_driver(cur, window_id, driver_id)
        except scheduling.AlreadyAssigned as exc:
            abort(409, description=str(exc))
    return jsonify(id=assignment_id, window_id=window_id, driver_id=driver_id)
