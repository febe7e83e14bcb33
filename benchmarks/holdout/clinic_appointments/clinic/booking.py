import logging

import psycopg
from flask import Blueprint, g, jsonify, request

from clinic.auth import require_auth
from clinic.db import pool
from clinic.notifications import send_booking_confirmation

bp = Blueprint("booking", __name__, url_prefix="/api")
logger = logging.getLogger(__name__)


@bp.post("/appointments")
@require_auth("patient")
def book_appointment():
    body = request.get_json(silent=True) or {}
    try:
        slot_id = int(body["slot_id"])
    except (KeyError, TypeError, ValueError):
        return jsonify(error="slot_id is required"), 400
    reason = str(body.get("reason", ""))[:500]

    try:
        with pool.connection() as conn:
            slot = conn.execute(  # expect: DB005
                "SELECT capacity, booked FROM slots WHERE id = %s AND starts_at > now()",
                (slot_id,),
            ).fetchone()
            if slot is None:
                return jsonify(error="slot not found"), 404
            capacity, booked = slot
            if booked >= capacity:
                return jsonify(error="slot is full"), 409

            conn.execute("UPDATE slots SET booked = %s WHERE id = %s", (booked + 1, slot_id))  # expect: DB004
            appointment_id = conn.execute(
                "INSERT INTO appointments (slot_id, patient_id, reason, status) VALUES (%s, %s, %s, 'booked') RETURNING id",
                (slot_id, g.user_id, reason),
            ).fetchone()[0]
            send_booking_confirmation(g.user_id, appointment_id)  # expect: REL004
    except psycopg.Error as exc:
        logger.error("booking failed slot_id=%s patient_id=%s: %s", slot_id, g.user_id, exc)  # expect: OBS002
        return jsonify(error="could not book the appointment"), 500

    return jsonify(appointment_id=appointment_id, slot_id=slot_id, status="booked"), 201
