import logging
from datetime import datetime, timedelta

from flask import Blueprint, abort, g, jsonify, request

from crm.auth import login_required
from crm.db import get_cursor

bp = Blueprint("surveys", __name__)
logger = logging.getLogger(__name__)

SLOT_MINUTES = 90
PAGE_SIZE = 25


def _parse_slot(value: str) -> datetime:
    try:
        slot = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        abort(400, description="slot_start must be an ISO-8601 datetime")
    if slot.minute % 30 or slot <= datetime.now(slot.tzinfo):
        abort(400, description="slot_start must be a future half-hour")
    return slot


@bp.post("/leads/<int:lead_id>/survey")
@login_required
def book_site_survey(lead_id: int):
    slot_start = _parse_slot(request.form.get("slot_start", ""))
    surveyor_id = int(request.form["surveyor_id"])
    with get_cursor() as cur:
        cur.execute("SELECT id FROM leads WHERE id = %s AND rep_id = %s", (lead_id, g.rep_id))  # ok: SEC018
        if cur.fetchone() is None:
            abort(404)
        cur.execute(  # ok: DB005
            "INSERT INTO survey_bookings (lead_id, surveyor_id, slot_start, slot_end, booked_by)"
            " VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (surveyor_id, slot_start) DO NOTHING RETURNING id",
            (lead_id, surveyor_id, slot_start, slot_start + timedelta(minutes=SLOT_MINUTES), g.rep_id),
        )
        row = cur.fetchone()
        if row is None:
            return jsonify(error="slot already taken"), 409
        cur.execute("UPDATE leads SET status = 'survey_scheduled' WHERE id = %s", (lead_id,))
    logger.info("survey %s booked for lead %s by rep %s", row[0], lead_id, g.rep_id)
    return jsonify(id=row[0], lead_id=lead_id, slot_start=slot_start.isoformat()), 201


@bp.get("/surveys")
@login_required
def list_surveys():
    page = max(request.args.get("page", 1, type=int), 1)
    with get_cursor() as cur:
        cur.execute(
            "SELECT b.id, b.slot_start, b.surveyor_id, l.name, l.address"
            " FROM survey_bookings b JOIN leads l ON l.id = b.lead_id"
            " WHERE b.booked_by = %s AND b.slot_start >= now()"
            " ORDER BY b.slot_start LIMIT %s OFFSET %s",  # ok: DB002
            (g.rep_id, PAGE_SIZE, (page - 1) * PAGE_SIZE),
        )
        rows = cur.fetchall()
    return jsonify(
        page=page,
        items=[
            {"id": r[0], "slot_start": r[1].isoformat(), "surveyor_id": r[2], "customer": r[3], "address": r[4]}
            for r in rows
        ],
    )


@bp.delete("/surveys/<int:booking_id>")
@login_required
def cancel_survey(booking_id: int):
    with get_cursor() as cur:
        cur.execute(
            "DELETE FROM survey_bookings WHERE id = %s AND booked_by = %s AND slot_start > now() RETURNING lead_id",
            (booking_id, g.rep_id),
        )
        row = cur.fetchone()
        if row is None:
            return jsonify(error="not found"), 404
        cur.execute("UPDATE leads SET status = 'assigned' WHERE id = %s AND status = 'survey_scheduled'", (row[0],))
    return jsonify(id=booking_id, status="cancelled")
