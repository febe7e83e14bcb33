"""Casting furnace scheduling: book firing windows without double-booking a furnace."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from foundry.db import connection

bp = Blueprint("furnace", __name__, url_prefix="/furnaces")
logger = logging.getLogger(__name__)

MAX_FIRING = timedelta(hours=14)
MIN_COOL_DOWN = timedelta(hours=6)


class SlotConflict(Exception):
    pass


@dataclass(frozen=True)
class FiringWindow:
    furnace_id: int
    order_id: int
    starts_at: datetime
    ends_at: datetime


def book_firing(window: FiringWindow) -> int:
    """Reserve a furnace for a firing. The furnace row stays locked while overlaps are checked."""
    if not timedelta(0) < window.ends_at - window.starts_at <= MAX_FIRING:
        raise ValueError("a firing lasts between 0 and 14 hours")
    with connection() as conn:
        with conn.transaction():
            furnace = conn.execute(
                "SELECT id, status FROM furnaces WHERE id = %s FOR UPDATE", (window.furnace_id,)
            ).fetchone()
            if furnace is None or furnace["status"] != "in_service":
                raise SlotConflict("furnace is not in service")
            clash = conn.execute(
                "SELECT id FROM furnace_bookings WHERE furnace_id = %s "
                "AND tstzrange(starts_at, ends_at + %s) && tstzrange(%s, %s) LIMIT 1",  # ok: DB005
                (window.furnace_id, MIN_COOL_DOWN, window.starts_at, window.ends_at),
            ).fetchone()
            if clash is not None:
                raise SlotConflict(f"overlaps booking {clash['id']}")
            row = conn.execute(
                "INSERT INTO furnace_bookings (furnace_id, order_id, starts_at, ends_at, booked_by) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (window.furnace_id, window.order_id, window.starts_at, window.ends_at, current_user.id),
            ).fetchone()
    logger.info("firing booked", extra={"booking_id": row["id"], "furnace_id": window.furnace_id})
    return row["id"]


def _require_staff() -> None:
    if not current_user.is_staff:
        abort(403, description="foundry staff only")


@bp.get("/<int:furnace_id>/week")
@login_required
def week_schedule(furnace_id: int):
    _require_staff()
    try:
        week_start = datetime.fromisoformat(request.args["start"])
    except (KeyError, ValueError):
        abort(400, description="start must be an ISO date")
    with connection() as conn:
        rows = conn.execute(
            "SELECT b.id, b.order_id, b.starts_at, b.ends_at, o.reference FROM furnace_bookings b "
            "JOIN orders o ON o.id = b.order_id WHERE b.furnace_id = %s "
            "AND b.starts_at >= %s AND b.starts_at < %s ORDER BY b.starts_at LIMIT 100",
            (furnace_id, week_start, week_start + timedelta(days=7)),
        ).fetchall()
    return jsonify({"furnace_id": furnace_id, "bookings": rows})


@bp.post("/<int:furnace_id>/bookings")
@login_required
def create_booking(furnace_id: int):
    _require_staff()
    data = request.get_json(silent=True) or {}
    try:
        window = FiringWindow(
            furnace_id=furnace_id,
            order_id=int(data["order_id"]),
            starts_at=datetime.fromisoformat(data["starts_at"]),
            ends_at=datetime.fromisoformat(data["ends_at"]),
        )
        booking_id = book_firing(window)
    except (KeyError, ValueError) as exc:
        abort(400, description=str(exc))
    except SlotConflict as exc:
        abort(409, description=str(exc))
    return jsonify({"id": booking_id}), 201
