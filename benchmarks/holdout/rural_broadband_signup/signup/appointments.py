"""Installation appointment booking for new signups."""
import logging
import threading

import psycopg
import requests
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required

from signup.db import connection

log = logging.getLogger(__name__)
bp = Blueprint("appointments", __name__, url_prefix="/appointments")


def _send_confirmation_sms(api_url: str, api_key: str, phone: str, starts_at) -> None:
    text = f"Wildmoor Broadband: your installation is booked for {starts_at:%A %d %B, %H:%M}. Reply STOP to opt out."
    try:
        resp = requests.post(
            api_url,
            data={"apikey": api_key, "numbers": phone, "sender": "Wildmoor", "message": text},
            timeout=10,
        )
        resp.raise_for_status()
    except requests.RequestException:
        log.exception("confirmation SMS to customer phone ending %s failed", phone[-3:])


@bp.get("/slots")
@login_required
def open_slots():
    with connection() as conn:
        slots = conn.execute(
            "SELECT id, starts_at, capacity - booked AS remaining FROM install_slots "
            "WHERE region = %s AND starts_at > now() + interval '48 hours' AND booked < capacity "
            "ORDER BY starts_at LIMIT 30",
            (current_user.region,),
        ).fetchall()
    return jsonify(slots=[{"id": s["id"], "starts_at": s["starts_at"].isoformat(), "remaining": s["remaining"]} for s in slots])


@bp.post("/book")
@login_required
def book():
    slot_id = request.form.get("slot_id", type=int)
    if slot_id is None:
        return jsonify(error="slot_id is required"), 400

    with connection() as conn:
        existing = conn.execute(
            "SELECT id FROM appointments WHERE customer_id = %s AND status = 'booked'", (current_user.id,)
        ).fetchone()
        if existing:
            return jsonify(error="you already have an installation booked", appointment_id=existing["id"]), 409

        slot = conn.execute(
            "SELECT id, starts_at, capacity, booked, region FROM install_slots WHERE id = %s", (slot_id,)
        ).fetchone()
        if slot is None or slot["region"] != current_user.region:
            return jsonify(error="no such slot"), 404
        if slot["booked"] >= slot["capacity"]:
            return jsonify(error="that slot has just filled up, pick another"), 409

        conn.execute(  # expect: DB004
            "UPDATE install_slots SET booked = %s WHERE id = %s", (slot["booked"] + 1, slot_id)
        )
        try:
            # appointments_one_booked_per_customer is a partial unique index on (customer_id) WHERE status = 'booked'
            appointment = conn.execute(
                "INSERT INTO appointments (customer_id, slot_id, status) VALUES (%s, %s, 'booked') RETURNING id",
                (current_user.id, slot_id),
            ).fetchone()
        except psycopg.errors.UniqueViolation:
            conn.rollback()
            return jsonify(error="you already have an installation booked"), 409

    cfg = current_app.config
    threading.Thread(  # expect: CON003, REL005
        target=_send_confirmation_sms,
        args=(cfg["SMS_API_URL"], cfg["SMS_API_KEY"], current_user.phone, slot["starts_at"]),
        daemon=True,
    ).start()
    log.info("customer %s booked slot %s (appointment %s)", current_user.id, slot_id, appointment["id"])
    return jsonify(appointment_id=appointment["id"], starts_at=slot["starts_at"].isoformat()), 201
