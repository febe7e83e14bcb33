"""Crew roster and daily assignments for the dock office."""
import logging
from datetime import date

from flask import Blueprint, jsonify, request

from .auth import staff_required
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("crew", __name__, url_prefix="/crew")


def _crew_for(conn, booking_id):
    return conn.execute(
        "SELECT c.id, c.full_name, a.role FROM crew_assignments a "
        "JOIN crew_members c ON c.id = a.crew_member_id WHERE a.booking_id = %s ORDER BY a.role",
        (booking_id,),
    ).fetchall()


@bp.get("")
@staff_required
def list_crew():
    q = (request.args.get("q") or "").strip()
    with get_conn() as conn:
        rows = conn.execute(
            "SELECT id, full_name, certifications, active FROM crew_members "
            "WHERE full_name ILIKE %s ORDER BY full_name",  # ok: DB006
            (f"%{q}%",),
        ).fetchall()  # ok: DB002
    return jsonify({"crew": rows})


@bp.get("/schedule")
@staff_required
def daily_schedule():
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = date.today()
    with get_conn() as conn:
        bookings = conn.execute(
            "SELECT b.id, b.starts_at, b.ends_at, bo.name AS boat FROM bookings b "
            "JOIN boats bo ON bo.id = b.boat_id "
            "WHERE b.starts_at::date = %s AND b.status = 'confirmed' ORDER BY b.starts_at",  # expect: DB006
            (day,),
        ).fetchall()
        schedule = []
        for booking in bookings:
            schedule.append({
                "booking_id": booking["id"],
                "boat": booking["boat"],
                "starts_at": booking["starts_at"].isoformat(),
                "ends_at": booking["ends_at"].isoformat(),
                "crew": _crew_for(conn, booking["id"]),  # expect: DB001
            })
    return jsonify({"date": day.isoformat(), "schedule": schedule})


@bp.post("/assignments")
@staff_required
def assign():
    body = request.get_json(silent=True) or {}
    try:
        booking_id, crew_id, role = int(body["booking_id"]), int(body["crew_member_id"]), body["role"]
    except (KeyError, TypeError, ValueError):
        return jsonify({"error": "booking_id, crew_member_id and role are required"}), 422
    if role not in ("captain", "mate", "steward"):
        return jsonify({"error": "unknown role"}), 422
    with get_conn() as conn:
        conn.execute(
            "INSERT INTO crew_assignments (booking_id, crew_member_id, role) VALUES (%s, %s, %s) "
            "ON CONFLICT (booking_id, crew_member_id) DO UPDATE SET role = EXCLUDED.role",
            (booking_id, crew_id, role),
        )
        conn.commit()
    logger.info("crew assigned booking=%s crew=%s role=%s", booking_id, crew_id, role)
    return jsonify({"booking_id": booking_id, "crew_member_id": crew_id, "role": role}), 201


@bp.get("/<int:crew_id>/history")
@staff_required
def crew_history(crew_id):
    with get_conn() as conn:
        rows = conn.execute(
            "SELECT b.id, b.starts_at, bo.name AS boat, a.role FROM crew_assignments a "
            "JOIN bookings b ON b.id = a.booking_id JOIN boats bo ON bo.id = b.boat_id "
            "WHERE a.crew_member_id = %s ORDER BY b.starts_at DESC",
            (crew_id,),
        ).fetchall()  # expect: DB002
    return jsonify({"crew_member_id": crew_id, "trips": rows})
