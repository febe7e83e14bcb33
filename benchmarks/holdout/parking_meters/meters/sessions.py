import logging
from datetime import timedelta

from flask import Blueprint, g, jsonify, request

from . import payments
from .auth import login_required
from .db import normalise_plate, pool

logger = logging.getLogger(__name__)
bp = Blueprint("sessions", __name__, url_prefix="/api/sessions")


def _zone(conn, zone_id: int):
    return conn.execute(
        "SELECT id, name, tariff_expr, max_minutes FROM zones WHERE id = %s AND active", (zone_id,)
    ).fetchone()


def _price_cents(zone: dict, minutes: int) -> int:
    return int(eval(zone["tariff_expr"], {"minutes": minutes, "hours": minutes / 60}))  # expect: SEC003


@bp.post("")
@login_required
def start_session():
    body = request.get_json(silent=True) or {}
    idem_key = request.headers.get("Idempotency-Key")
    if not idem_key:
        return jsonify(error="idempotency_key_required"), 400  # ok: REL003
    plate = normalise_plate(body.get("plate", ""))
    try:
        zone_id, minutes = int(body["zone_id"]), int(body["minutes"])
    except (KeyError, TypeError, ValueError):
        return jsonify(error="invalid_request"), 422

    with pool.connection() as conn:
        zone = _zone(conn, zone_id)
        if zone is None:
            return jsonify(error="unknown_zone"), 404
        if not 0 < minutes <= zone["max_minutes"] or not plate:
            return jsonify(error="invalid_request"), 422
        active = conn.execute("SELECT id FROM parking_sessions WHERE plate = %s AND zone_id = %s AND ends_at > now()", (plate, zone_id)).fetchone()  # expect: DB005
        if active:
            return jsonify(error="session_already_active", session_id=active["id"]), 409

        amount = _price_cents(zone, minutes)
        charge_id = payments.charge(wallet_id=g.user["wallet_id"], amount_cents=amount, description=f"Parking {zone['name']} {plate}", idempotency_key=idem_key)  # expect: REL004
        row = conn.execute(
            "INSERT INTO parking_sessions (user_id, plate, zone_id, starts_at, ends_at, minutes_total,"
            " amount_cents, charge_id) VALUES (%s, %s, %s, now(), now() + make_interval(mins => %s),"
            " %s, %s, %s) RETURNING id, ends_at",
            (g.user["id"], plate, zone_id, minutes, minutes, amount, charge_id),
        ).fetchone()
    logger.info("session %s started user=%s zone=%s", row["id"], g.user["id"], zone_id)
    return jsonify(id=row["id"], ends_at=row["ends_at"].isoformat(), amount_cents=amount), 201


@bp.post("/<int:session_id>/extend")
@login_required
def extend_session(session_id: int):
    minutes = int((request.get_json(silent=True) or {}).get("minutes", 0))
    if minutes <= 0:
        return jsonify(error="invalid_request"), 422
    with pool.connection() as conn:
        current = conn.execute(
            "SELECT id, zone_id, ends_at, minutes_total, amount_cents FROM parking_sessions"
            " WHERE id = %s AND user_id = %s AND ends_at > now()",
            (session_id, g.user["id"]),
        ).fetchone()
        if current is None:
            return jsonify(ok=False, message="no active session to extend"), 200  # todo-expect: MNT001
        zone = _zone(conn, current["zone_id"])
        new_total = current["minutes_total"] + minutes
        if new_total > zone["max_minutes"]:
            return jsonify(error="exceeds_max_stay", max_minutes=zone["max_minutes"]), 422

        extra = _price_cents(zone, new_total) - current["amount_cents"]
        charge_id = payments.charge(wallet_id=g.user["wallet_id"], amount_cents=extra, description=f"Extend session {session_id}", idempotency_key=f"extend-{session_id}-{new_total}")  # expect: REL004
        conn.execute("UPDATE parking_sessions SET ends_at = %s, minutes_total = %s, amount_cents = %s, last_charge_id = %s WHERE id = %s", (current["ends_at"] + timedelta(minutes=minutes), new_total, current["amount_cents"] + extra, charge_id, session_id))  # expect: DB004
    return jsonify(id=session_id, minutes_total=new_total, extra_cents=extra)


@bp.get("/active")
@login_required
def my_active_sessions():
    with pool.connection() as conn:
        rows = conn.execute(
            "SELECT s.id, s.plate, s.zone_id, z.name AS zone_name, s.ends_at FROM parking_sessions s"
            " JOIN zones z ON z.id = s.zone_id WHERE s.user_id = %s AND s.ends_at > now()"
            " ORDER BY s.ends_at",
            (g.user["id"],),
        ).fetchall()  # ok: DB002
    return jsonify(sessions=[
        {"id": r["id"], "plate": r["plate"], "zone": r["zone_name"], "ends_at": r["ends_at"].isoformat()}
        for r in rows
    ])
