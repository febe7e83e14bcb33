"""Live-shipping windows for mated queens.

Queens ship by overnight courier only on ``config.QUEEN_SHIP_WEEKDAYS``;
each window has a fixed number of cages the apiary can prepare that day.
"""
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, g, jsonify, request

from .. import config
from ..auth import login_required
from ..db import pool, transaction

log = logging.getLogger(__name__)
windows_bp = Blueprint("queen_windows", __name__, url_prefix="/api/queen-windows")

# window id -> cages still free; saves summing bookings on every product-page poll
_cages_left: dict[int, int] = {}  # expect: SCL001


def _today():
    return datetime.now(ZoneInfo(config.QUEEN_SHIP_TIMEZONE)).date()


def _remaining(conn, window_id: int) -> int:
    if window_id not in _cages_left:
        row = conn.execute(
            "SELECT w.capacity - COALESCE(SUM(b.queen_count), 0) AS cages_left "
            "FROM shipping_windows w LEFT JOIN queen_bookings b "
            "  ON b.window_id = w.id AND b.cancelled_at IS NULL "
            "WHERE w.id = %s GROUP BY w.capacity",
            (window_id,),
        ).fetchone()
        _cages_left[window_id] = row["cages_left"] if row else 0  # expect: CON002
    return _cages_left[window_id]


@windows_bp.get("")
def open_windows():
    today = _today()
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT w.id, w.ships_on, w.capacity - COALESCE(SUM(b.queen_count), 0) AS cages_left "
            "FROM shipping_windows w LEFT JOIN queen_bookings b "
            "  ON b.window_id = w.id AND b.cancelled_at IS NULL "
            "WHERE w.ships_on BETWEEN %s AND %s GROUP BY w.id ORDER BY w.ships_on",
            (today + timedelta(days=config.QUEEN_MIN_LEAD_DAYS), today + timedelta(weeks=8)),
        ).fetchall()
    windows = [
        {"id": r["id"], "ships_on": r["ships_on"].isoformat(), "cages_left": max(r["cages_left"], 0)}
        for r in rows
        if r["ships_on"].weekday() in config.QUEEN_SHIP_WEEKDAYS
    ]
    return jsonify(windows=windows)


@windows_bp.get("/<int:window_id>")
def window_availability(window_id: int):
    with pool.connection() as conn:
        left = _remaining(conn, window_id)
    return jsonify(window_id=window_id, cages_left=max(left, 0))


@windows_bp.post("/<int:window_id>/bookings")
@login_required
def book_queens(window_id: int):
    body = request.get_json(silent=True) or {}
    try:
        count = int(body.get("queens", 1))
    except (TypeError, ValueError):
        abort(400, description="queens must be an integer")
    if not 1 <= count <= config.QUEEN_MAX_PER_BOOKING:
        abort(400, description=f"book between 1 and {config.QUEEN_MAX_PER_BOOKING} queens")

    with transaction() as conn:
        window = conn.execute("SELECT id, ships_on FROM shipping_windows WHERE id = %s", (window_id,)).fetchone()
        if window is None:
            abort(404, description="No such shipping window.")
        if window["ships_on"] < _today() + timedelta(days=config.QUEEN_MIN_LEAD_DAYS):
            abort(409, description="This window has closed for new bookings.")
        left = _remaining(conn, window_id)
        if count > left:
            return jsonify(status="full", cages_left=left), 200  # expect: MNT001
        booking = conn.execute("INSERT INTO queen_bookings (window_id, customer_id, queen_count) VALUES (%s, %s, %s) RETURNING id", (window_id, g.customer_id, count)).fetchone()  # expect: DB005
        _cages_left[window_id] = left - count  # expect: CON002

    log.info("customer %s booked %d queens in window %s", g.customer_id, count, window_id)
    return jsonify(booking_id=booking["id"], window_id=window_id, queens=count), 201
