"""Partner API for booking aggregators: hold a slot, then confirm it."""
import logging
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, current_app, g, jsonify, request

from escape.db import get_conn, get_cursor

logger = logging.getLogger("escape.partner")
bp = Blueprint("partner", __name__, url_prefix="/partner/v1")

ORDERINGS = {"time": "s.starts_at", "price": "r.price_per_player_pence, s.starts_at"}


@bp.before_request
def partner_auth():
    key = request.headers.get("X-Partner-Key", "")
    with get_cursor() as cur:
        cur.execute("SELECT id, name FROM partners WHERE api_key_hash = encode(digest(%s, 'sha256'), 'hex') AND active", (key,))
        g.partner = cur.fetchone()
    if g.partner is None:
        abort(401)


@bp.get("/venues/<int:venue_id>/slots")
def open_slots(venue_id: int):
    day = date.fromisoformat(request.args.get("date", date.today().isoformat()))
    order_by = ORDERINGS.get(request.args.get("order", "time"), ORDERINGS["time"])
    start = datetime.combine(day, time.min)
    with get_cursor() as cur:
        cur.execute(
            "SELECT s.id, s.starts_at, r.name AS room, r.price_per_player_pence FROM slots s "
            "JOIN rooms r ON r.id = s.room_id WHERE r.venue_id = %s AND s.status = 'open' "
            f"AND s.starts_at >= %s AND s.starts_at < %s ORDER BY {order_by} LIMIT 200",  # ok: SEC001, DB006
            (venue_id, start, start + timedelta(days=1)),
        )
        return jsonify(cur.fetchall())


@bp.post("/slots/<int:slot_id>/hold")
def hold_slot(slot_id: int):
    minutes = current_app.config["HOLD_MINUTES"]
    with get_cursor() as cur:
        # Claim and check in one statement: an expired hold counts as open.
        cur.execute(  # ok: DB005, DB004
            "UPDATE slots SET status = 'held', held_until = now() + make_interval(mins => %s), held_by = %s "
            "WHERE id = %s AND (status = 'open' OR (status = 'held' AND held_until < now())) "
            "RETURNING id, held_until",
            (minutes, g.partner["id"], slot_id),
        )
        held = cur.fetchone()
    if held is None:
        return jsonify(error="Conflict", detail="Slot not available."), 409
    logger.info("partner %s held slot %s until %s", g.partner["id"], slot_id, held["held_until"])
    return jsonify(slot_id=slot_id, held_until=held["held_until"].isoformat())


@bp.post("/slots/<int:slot_id>/confirm")
def confirm_slot(slot_id: int):
    data = request.get_json(silent=True) or {}
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "UPDATE slots SET status = 'booked' WHERE id = %s AND status = 'held' AND held_by = %s "
            "AND held_until >= now() RETURNING id",
            (slot_id, g.partner["id"]),
        )
        if cur.fetchone() is None:
            return jsonify(error="Conflict", detail="Hold expired or not yours."), 409
        cur.execute(
            "INSERT INTO bookings (slot_id, customer_name, customer_email, players, status, partner_id, partner_ref) "
            "VALUES (%s, %s, %s, %s, 'confirmed', %s, %s) RETURNING id",
            (slot_id, data.get("name"), data.get("email"), data.get("players"), g.partner["id"], data.get("reference")),
        )
        booking_id = cur.fetchone()[0]
        cur.execute(  # ok: REL004
            "INSERT INTO outbox (topic, payload) VALUES ('booking.confirmed', json_build_object('booking_id', %s))",
            (booking_id,),
        )
    logger.info("partner %s confirmed booking %s on slot %s", g.partner["id"], booking_id, slot_id)
    return jsonify(booking_id=booking_id), 201
