"""Customer-facing booking of tuning visits."""

import logging
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, jsonify, request, session

from ..auth import customer_required
from ..db import connection
from ..services.notifications import publish_customer_notification

log = logging.getLogger(__name__)
bp = Blueprint("bookings", __name__, url_prefix="/bookings")

MIN_NOTICE = timedelta(hours=12)


def _parse_slot(payload: dict) -> tuple[int, int, datetime]:
    try:
        technician_id = int(payload["technician_id"])
        piano_id = int(payload["piano_id"])
        starts_at = datetime.fromisoformat(payload["starts_at"])
    except (KeyError, TypeError, ValueError):
        abort(400, description="technician_id, piano_id and starts_at are required")
    if starts_at.tzinfo is None:
        abort(400, description="starts_at must include a UTC offset")
    if starts_at.minute not in (0, 30) or starts_at.second:
        abort(400, description="starts_at must be on a half-hour boundary")
    if starts_at - datetime.now(timezone.utc) < MIN_NOTICE:
        abort(400, description="visits need at least 12 hours' notice")
    return technician_id, piano_id, starts_at


@bp.post("")
@customer_required
def create_booking():
    technician_id, piano_id, starts_at = _parse_slot(request.get_json(silent=True) or {})
    customer_id = session["account_id"]

    with connection() as conn:
        piano = conn.execute(
            "SELECT id FROM pianos WHERE id = %s AND owner_id = %s", (piano_id, customer_id)
        ).fetchone()
        if piano is None:
            abort(404)

        taken = conn.execute(
            "SELECT 1 FROM visits WHERE technician_id = %s AND starts_at = %s AND status <> 'cancelled'",
            (technician_id, starts_at),
        ).fetchone()
        if taken:
            return jsonify(error="slot_taken"), 409

        visit = conn.execute("INSERT INTO visits (customer_id, technician_id, piano_id, starts_at, status) VALUES (%s, %s, %s, %s, 'booked') RETURNING id, starts_at", (customer_id, technician_id, piano_id, starts_at)).fetchone()  # expect: DB005
        publish_customer_notification(customer_id, "visit_booked", {"visit_id": visit["id"], "starts_at": visit["starts_at"].isoformat()})  # todo-expect: REL004

    log.info("visit %s booked by customer %s", visit["id"], customer_id)
    return jsonify(id=visit["id"], starts_at=visit["starts_at"].isoformat()), 201


@bp.get("")
@customer_required
def my_bookings():
    with connection() as conn:
        rows = conn.execute(
            "SELECT v.id, v.starts_at, v.status, t.display_name AS technician"
            " FROM visits v JOIN technicians t ON t.id = v.technician_id"
            " WHERE v.customer_id = %s AND v.starts_at > now() - interval '1 year'"
            " ORDER BY v.starts_at DESC LIMIT 50",
            (session["account_id"],),
        ).fetchall()
    return jsonify(bookings=[{**r, "starts_at": r["starts_at"].isoformat()} for r in rows])


@bp.get("/<int:visit_id>")
@customer_required
def get_booking(visit_id: int):
    with connection() as conn:
        visit = conn.execute("SELECT v.id, v.starts_at, v.status, v.access_notes, t.display_name AS technician, t.phone AS technician_phone FROM visits v JOIN technicians t ON t.id = v.technician_id WHERE v.id = %s", (visit_id,)).fetchone()  # expect: SEC018
    if visit is None:
        abort(404)
    return jsonify({**visit, "starts_at": visit["starts_at"].isoformat()})


@bp.post("/<int:visit_id>/cancel")
@customer_required
def cancel_booking(visit_id: int):
    customer_id = session["account_id"]
    try:
        with connection() as conn:
            cur = conn.execute(
                "UPDATE visits SET status = 'cancelled', cancelled_at = now()"
                " WHERE id = %s AND customer_id = %s AND status = 'booked'",
                (visit_id, customer_id),
            )
            if cur.rowcount == 0:
                return jsonify(error="not_cancellable"), 409
        publish_customer_notification(customer_id, "visit_cancelled", {"visit_id": visit_id})
    except Exception as exc:
        log.error(f"cancelling visit {visit_id} failed: {exc}")  # expect: OBS002
        return jsonify(id=visit_id, status="cancelled")  # expect: ERR002
    log.info("visit %s cancelled by customer %s", visit_id, customer_id)
    return jsonify(id=visit_id, status="cancelled")
