"""Moving or cancelling an installation appointment from the customer portal."""
import logging
import os

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from redis import Redis
from rq import Queue, Retry

from signup.db import connection
from signup.notifications import send_appointment_confirmation

log = logging.getLogger(__name__)
bp = Blueprint("reschedule", __name__, url_prefix="/appointments")


def _notifications_queue() -> Queue:
    return Queue("notifications", connection=Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0")))


@bp.post("/<int:appointment_id>/reschedule")
@login_required
def reschedule(appointment_id: int):
    new_slot_id = request.form.get("slot_id", type=int)
    if new_slot_id is None:
        return jsonify(error="slot_id is required"), 400

    with connection() as conn, conn.transaction():
        appt = conn.execute(  # ok: SEC018
            "SELECT id, slot_id FROM appointments WHERE id = %s AND customer_id = %s AND status = 'booked' FOR UPDATE",
            (appointment_id, current_user.id),
        ).fetchone()
        if appt is None:
            return jsonify(error="no such appointment"), 404
        if appt["slot_id"] == new_slot_id:
            return jsonify(appointment_id=appointment_id, unchanged=True)

        claimed = conn.execute(  # ok: DB004, DB005
            "UPDATE install_slots SET booked = booked + 1 "
            "WHERE id = %s AND region = %s AND booked < capacity AND starts_at > now() + interval '24 hours' "
            "RETURNING starts_at",
            (new_slot_id, current_user.region),
        ).fetchone()
        if claimed is None:
            return jsonify(error="that slot is full or too soon"), 409

        conn.execute("UPDATE install_slots SET booked = booked - 1 WHERE id = %s AND booked > 0", (appt["slot_id"],))
        conn.execute("UPDATE appointments SET slot_id = %s, updated_at = now() WHERE id = %s", (new_slot_id, appointment_id))

    _notifications_queue().enqueue(  # ok: REL005
        send_appointment_confirmation, appointment_id, retry=Retry(max=3, interval=120), job_timeout=60
    )
    log.info("customer %s moved appointment %s to slot %s", current_user.id, appointment_id, new_slot_id)
    return jsonify(appointment_id=appointment_id, starts_at=claimed["starts_at"].isoformat())


@bp.post("/<int:appointment_id>/cancel")
@login_required
def cancel(appointment_id: int):
    with connection() as conn, conn.transaction():
        appt = conn.execute(
            "UPDATE appointments SET status = 'cancelled', updated_at = now() "
            "WHERE id = %s AND customer_id = %s AND status = 'booked' RETURNING slot_id",
            (appointment_id, current_user.id),
        ).fetchone()
        if appt is None:
            return jsonify(error="no such appointment"), 404
        conn.execute("UPDATE install_slots SET booked = booked - 1 WHERE id = %s AND booked > 0", (appt["slot_id"],))
    log.info("customer %s cancelled appointment %s", current_user.id, appointment_id)
    return jsonify(appointment_id=appointment_id, status="cancelled")
