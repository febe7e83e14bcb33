"""Broker holds: a broker reserves a boat for up to 48 hours while their client decides."""
import logging
from datetime import datetime, timedelta, timezone

from flask import Blueprint, g, jsonify, request

from .auth import broker_required
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("holds", __name__, url_prefix="/holds")

HOLD_HOURS = 48


@bp.post("")
@broker_required
def place_hold():
    body = request.get_json(silent=True) or {}
    try:
        boat_id = int(body["boat_id"])
        starts_at = datetime.fromisoformat(body["starts_at"])
        ends_at = datetime.fromisoformat(body["ends_at"])
    except (KeyError, TypeError, ValueError):
        return jsonify({"error": "boat_id, starts_at and ends_at are required"}), 422
    if ends_at <= starts_at or starts_at.tzinfo is None:
        return jsonify({"error": "invalid time range"}), 422
    expires_at = datetime.now(timezone.utc) + timedelta(hours=HOLD_HOURS)

    with get_conn() as conn, conn.transaction():
        # Row lock on the boat serialises every hold and booking for it until commit.
        boat = conn.execute("SELECT id FROM boats WHERE id = %s AND active FOR UPDATE", (boat_id,)).fetchone()
        if boat is None:
            return jsonify({"error": "boat not found"}), 404
        clash = conn.execute(
            """
            SELECT 'booking' AS kind FROM bookings
             WHERE boat_id = %(boat)s AND status IN ('pending', 'confirmed')
               AND starts_at < %(end)s AND ends_at > %(start)s
            UNION ALL
            SELECT 'hold' FROM booking_holds
             WHERE boat_id = %(boat)s AND released_at IS NULL AND expires_at > now()
               AND starts_at < %(end)s AND ends_at > %(start)s
            LIMIT 1
            """,
            {"boat": boat_id, "start": starts_at, "end": ends_at},
        ).fetchone()
        if clash:
            return jsonify({"error": f"boat already has a {clash['kind']} for that time"}), 409
        hold = conn.execute(  # ok: DB005
            "INSERT INTO booking_holds (boat_id, broker_id, starts_at, ends_at, expires_at) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (boat_id, g.user["id"], starts_at, ends_at, expires_at),
        ).fetchone()

    logger.info("hold placed id=%s boat=%s broker=%s expires=%s", hold["id"], boat_id, g.user["id"], expires_at)
    return jsonify({"id": hold["id"], "expires_at": expires_at.isoformat()}), 201


@bp.delete("/<int:hold_id>")
@broker_required
def release_hold(hold_id):
    with get_conn() as conn:
        released = conn.execute(
            "UPDATE booking_holds SET released_at = now() "
            "WHERE id = %s AND broker_id = %s AND released_at IS NULL RETURNING id",  # ok: SEC018
            (hold_id, g.user["id"]),
        ).fetchone()
        conn.commit()
    if released is None:
        return jsonify({"error": "hold not found"}), 404
    logger.info("hold released id=%s broker=%s", hold_id, g.user["id"])
    return jsonify({"released": hold_id})
