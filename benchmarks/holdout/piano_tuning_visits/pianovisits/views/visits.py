"""Technician-side visit handling: day sheet, rescheduling and completion."""

import logging
from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, abort, jsonify, request, session

from ..auth import technician_required
from ..db import connection
from ..services.calendar_client import CalendarSyncError, calendar_client

log = logging.getLogger(__name__)
bp = Blueprint("visits", __name__, url_prefix="/technician/visits")


@bp.get("/day/<day>")
@technician_required
def day_sheet(day: str):
    try:
        start = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=timezone.utc)
    except ValueError:
        abort(400, description="day must be YYYY-MM-DD")
    with connection() as conn:
        rows = conn.execute(
            "SELECT v.id, v.starts_at, v.status, v.access_notes, c.full_name, c.address, p.make, p.model"
            " FROM visits v JOIN customers c ON c.id = v.customer_id JOIN pianos p ON p.id = v.piano_id"
            " WHERE v.technician_id = %s AND v.starts_at >= %s AND v.starts_at < %s"
            " ORDER BY v.starts_at LIMIT 20",
            (session["account_id"], start, start + timedelta(days=1)),
        ).fetchall()
    return jsonify(visits=[{**r, "starts_at": r["starts_at"].isoformat()} for r in rows])


@bp.post("/<int:visit_id>/reschedule")
@technician_required
def reschedule(visit_id: int):
    try:
        new_start = datetime.fromisoformat((request.get_json(silent=True) or {})["starts_at"])
    except (KeyError, TypeError, ValueError):
        abort(400, description="starts_at is required")
    technician_id = session["account_id"]

    with connection() as conn:
        # Serialise changes to this technician's diary for the rest of the transaction.
        conn.execute("SELECT id FROM technicians WHERE id = %s FOR UPDATE", (technician_id,))
        clash = conn.execute(
            "SELECT 1 FROM visits WHERE technician_id = %s AND starts_at = %s AND status <> 'cancelled' AND id <> %s",
            (technician_id, new_start, visit_id),
        ).fetchone()
        if clash:
            return jsonify(error="slot_taken"), 409
        moved = conn.execute("UPDATE visits SET starts_at = %s WHERE id = %s AND technician_id = %s AND status = 'booked' RETURNING id, customer_id", (new_start, visit_id, technician_id)).fetchone()  # ok: DB005
        if moved is None:
            abort(404)
        conn.execute(
            "INSERT INTO notification_outbox (customer_id, kind, payload)"
            " VALUES (%s, 'visit_rescheduled', jsonb_build_object('visit_id', %s::int, 'starts_at', %s::text))",
            (moved["customer_id"], visit_id, new_start.isoformat()),
        )

    calendar_synced = True
    try:
        calendar_client().put_visit(visit_id, technician_id, new_start)
    except CalendarSyncError:
        # The nightly calendar reconciliation pushes the visit again.
        log.warning("calendar sync failed for visit %s", visit_id, exc_info=True)
        calendar_synced = False
    log.info("visit %s moved to %s by technician %s", visit_id, new_start.isoformat(), technician_id)
    return jsonify(id=visit_id, starts_at=new_start.isoformat(), calendar_synced=calendar_synced)


@bp.post("/<int:visit_id>/complete")
@technician_required
def complete(visit_id: int):
    payload = request.get_json(silent=True) or {}
    try:
        pitch_hz = float(payload.get("pitch_hz", 440.0))
    except (TypeError, ValueError):
        abort(400, description="pitch_hz must be a number")
    if not 415.0 <= pitch_hz <= 446.0:
        abort(400, description="pitch_hz out of range")

    with connection() as conn:
        done = conn.execute("UPDATE visits SET status = 'completed', completed_at = now(), tuned_to_hz = %s, technician_notes = %s WHERE id = %s AND technician_id = %s AND status = 'booked' RETURNING id, customer_id", (pitch_hz, str(payload.get("notes") or "")[:2000], visit_id, session["account_id"])).fetchone()  # ok: DB004
        if done is None:
            return jsonify(error="not_open"), 409
        conn.execute(
            "INSERT INTO invoices (visit_id, customer_id, status) VALUES (%s, %s, 'draft')"
            " ON CONFLICT (visit_id) DO NOTHING",
            (visit_id, done["customer_id"]),
        )
    log.info("visit %s completed at %.1f Hz", visit_id, pitch_hz)
    return jsonify(id=visit_id, status="completed")
