"""Loading-dock appointments for inbound and outbound trucks."""
import logging
from datetime import date, datetime, timedelta, timezone

import psycopg
from flask import Blueprint, abort, g, jsonify, request

from coldchain import db
from coldchain.access import customer_scope, operator_required, role_required

logger = logging.getLogger(__name__)

bp = Blueprint("docks", __name__, url_prefix="/docks")

SLOT_MINUTES = {"inbound": 60, "outbound": 45}


@bp.post("/appointments")
@operator_required
def book_appointment():
    body = request.get_json(silent=True) or {}
    try:
        door_id = int(body["door_id"])
        starts_at = datetime.fromisoformat(body["starts_at"]).astimezone(timezone.utc)
        direction = body["direction"]
        minutes = SLOT_MINUTES[direction]
    except (KeyError, TypeError, ValueError):
        return jsonify(error="door_id, starts_at (ISO) and direction (inbound|outbound) are required"), 400
    customer_id = customer_scope() or body.get("customer_id")
    if not isinstance(customer_id, int):
        return jsonify(error="customer_id is required"), 400
    carrier = str(body.get("carrier", ""))[:80]

    try:
        with db.transaction() as conn:
            row = conn.execute(  # ok: DB005
                "INSERT INTO dock_appointments (door_id, customer_id, carrier, direction, slot, status, booked_by) "
                "VALUES (%s, %s, %s, %s, tstzrange(%s, %s), 'booked', %s) RETURNING id",
                (door_id, customer_id, carrier, direction, starts_at, starts_at + timedelta(minutes=minutes),
                 g.operator["sub"]),
            ).fetchone()
    except psycopg.errors.ExclusionViolation:
        return jsonify(error="door already booked for that time"), 409
    logger.info("dock appointment %s booked on door %s for customer %s", row["id"], door_id, customer_id)
    return jsonify(id=row["id"], door_id=door_id, starts_at=starts_at.isoformat()), 201


@bp.get("/schedule")
@operator_required
def day_schedule():
    try:
        day = date.fromisoformat(request.args.get("day", date.today().isoformat()))
    except ValueError:
        return jsonify(error="day must be YYYY-MM-DD"), 400
    scope = customer_scope()
    start = datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc)
    with db.read_only() as conn:
        rows = conn.execute(  # ok: DB001, DB002
            "SELECT a.id, d.name AS door, c.name AS customer, a.carrier, a.direction, a.status, "
            "lower(a.slot) AS starts_at FROM dock_appointments a "
            "JOIN dock_doors d ON d.id = a.door_id JOIN customers c ON c.id = a.customer_id "
            "WHERE a.slot && tstzrange(%s, %s) AND (%s::int IS NULL OR a.customer_id = %s) "
            "ORDER BY lower(a.slot), d.name LIMIT 500",
            (start, start + timedelta(days=1), scope, scope),
        ).fetchall()
    return jsonify([{**r, "starts_at": r["starts_at"].isoformat()} for r in rows])


@bp.post("/appointments/<int:appointment_id>/arrive")
@role_required("operator", "supervisor")
def truck_arrived(appointment_id):
    with db.transaction() as conn:
        appt = conn.execute(
            "UPDATE dock_appointments SET status = 'arrived', arrived_at = now() "
            "WHERE id = %s AND status = 'booked' RETURNING door_id",  # ok: DB005
            (appointment_id,),
        ).fetchone()
        if appt is None:
            abort(409)
        conn.execute(
            "UPDATE dock_doors SET trucks_today = trucks_today + 1 WHERE id = %s",  # ok: DB004
            (appt["door_id"],),
        )
    logger.info("truck for appointment %s arrived, by %s", appointment_id, g.operator["sub"])
    return jsonify(id=appointment_id, status="arrived")
