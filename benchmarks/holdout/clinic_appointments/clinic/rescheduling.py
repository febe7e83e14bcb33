import logging

from flask import Blueprint, g, jsonify, request

from clinic.auth import require_auth
from clinic.db import pool

bp = Blueprint("rescheduling", __name__, url_prefix="/api")
logger = logging.getLogger(__name__)


class _Conflict(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@bp.post("/appointments/<int:appointment_id>/reschedule")
@require_auth("patient")
def reschedule(appointment_id: int):
    body = request.get_json(silent=True) or {}
    try:
        new_slot_id = int(body["slot_id"])
    except (KeyError, TypeError, ValueError):
        return jsonify(error="slot_id is required"), 400

    try:
        with pool.connection() as conn, conn.transaction():
            current = conn.execute(
                "SELECT slot_id FROM appointments WHERE id = %s AND patient_id = %s AND status = 'booked' FOR UPDATE",  # ok: DB005
                (appointment_id, g.user_id),
            ).fetchone()
            if current is None:
                raise _Conflict(404, "appointment not found")
            if current[0] == new_slot_id:
                raise _Conflict(409, "appointment is already in this slot")

            taken = conn.execute(
                "UPDATE slots SET booked = booked + 1 WHERE id = %s AND booked < capacity AND starts_at > now() RETURNING id",  # ok: DB004
                (new_slot_id,),
            ).fetchone()
            if taken is None:
                raise _Conflict(409, "slot is full or in the past")

            conn.execute("UPDATE slots SET booked = booked - 1 WHERE id = %s AND booked > 0", (current[0],))
            conn.execute(
                "UPDATE appointments SET slot_id = %s, updated_at = now() WHERE id = %s",
                (new_slot_id, appointment_id),
            )
    except _Conflict as conflict:
        return jsonify(error=conflict.message), conflict.status

    logger.info(
        "appointment rescheduled appointment_id=%s patient_id=%s from_slot=%s to_slot=%s",
        appointment_id,
        g.user_id,
        current[0],
        new_slot_id,
    )
    return jsonify(appointment_id=appointment_id, slot_id=new_slot_id, status="booked")
