"""Changes to existing queen bookings: move to another window, or cancel.

Every writer to ``queen_bookings`` for a window holds that window's row lock
(``SELECT ... FOR UPDATE``) while it counts and writes, so two moves into the
same window cannot both see the last free cages.
"""
import logging
from datetime import timedelta

from flask import Blueprint, abort, g, jsonify, request

from .. import config
from ..auth import login_required
from ..db import transaction
from .shipping_windows import _today

log = logging.getLogger(__name__)
bookings_bp = Blueprint("queen_bookings", __name__, url_prefix="/api/queen-bookings")


def _load_own_booking(conn, booking_id: int) -> dict:
    row = conn.execute(
        "SELECT id, window_id, queen_count, cancelled_at FROM queen_bookings "
        "WHERE id = %s AND customer_id = %s FOR UPDATE",  # ok: SEC018
        (booking_id, g.customer_id),
    ).fetchone()
    if row is None or row["cancelled_at"] is not None:
        abort(404, description="Booking not found.")
    return row


def _lock_windows(conn, *window_ids: int) -> dict[int, dict]:
    # Lock in id order so two opposite moves cannot deadlock.
    rows = conn.execute(
        "SELECT id, capacity, ships_on FROM shipping_windows WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
        (sorted(set(window_ids)),),
    ).fetchall()
    return {r["id"]: r for r in rows}


def _booked(conn, window_id: int) -> int:
    row = conn.execute(
        "SELECT COALESCE(SUM(queen_count), 0) AS n FROM queen_bookings "
        "WHERE window_id = %s AND cancelled_at IS NULL",
        (window_id,),
    ).fetchone()
    return row["n"]


@bookings_bp.post("/<int:booking_id>/move")
@login_required
def move_booking(booking_id: int):
    body = request.get_json(silent=True) or {}
    try:
        target_id = int(body["window_id"])
    except (KeyError, TypeError, ValueError):
        abort(400, description="window_id is required")

    cutoff = _today() + timedelta(days=config.QUEEN_MIN_LEAD_DAYS)
    with transaction() as conn:
        booking = _load_own_booking(conn, booking_id)
        if booking["window_id"] == target_id:
            return jsonify(booking_id=booking_id, window_id=target_id), 200
        windows = _lock_windows(conn, booking["window_id"], target_id)
        target = windows.get(target_id)
        if target is None:
            abort(404, description="No such shipping window.")
        if windows[booking["window_id"]]["ships_on"] < cutoff or target["ships_on"] < cutoff:
            abort(409, description="Bookings can only be moved up to two days before shipping.")
        if _booked(conn, target_id) + booking["queen_count"] > target["capacity"]:
            abort(409, description="That window has no room for this many queens.")
        conn.execute(
            "UPDATE queen_bookings SET window_id = %s, moved_at = now() WHERE id = %s",  # ok: DB005
            (target_id, booking_id),
        )

    log.info("customer %s moved booking %s to window %s", g.customer_id, booking_id, target_id)
    return jsonify(booking_id=booking_id, window_id=target_id), 200


@bookings_bp.delete("/<int:booking_id>")
@login_required
def cancel_booking(booking_id: int):
    with transaction() as conn:
        booking = _load_own_booking(conn, booking_id)
        _lock_windows(conn, booking["window_id"])
        conn.execute("UPDATE queen_bookings SET cancelled_at = now() WHERE id = %s", (booking_id,))
    log.info("customer %s cancelled booking %s", g.customer_id, booking_id)
    return "", 204
