"""Public booking site: available slots per room and booking a slot."""
import logging

import requests
from flask import Blueprint, current_app, g, jsonify, request

from escape.db import get_conn, get_cursor
from escape.tokens import new_manage_token

logger = logging.getLogger("escape.bookings")
bp = Blueprint("bookings", __name__)


@bp.get("/rooms/<int:room_id>/slots")
def available_slots(room_id: int):
    day = request.args.get("date")
    order = request.args.get("order", "starts_at")
    if not day:
        return jsonify(error="Bad Request", detail="date is required"), 400
    with get_cursor() as cur:
        cur.execute(
            f"SELECT id, starts_at FROM slots WHERE room_id = %s AND starts_at::date = %s AND status = 'open' ORDER BY {order}",  # expect: SEC001, DB006
            (room_id, day),
        )
        slots = cur.fetchall()
    return jsonify([{"id": s["id"], "starts_at": s["starts_at"].isoformat()} for s in slots])


def _checkout_link(booking_id: int, amount_pence: int, email: str) -> str:
    cfg = current_app.config
    resp = requests.post(  # expect: REL001
        f"{cfg['PAYMENTS_API_URL']}/checkout-links",
        headers={"Authorization": f"Bearer {cfg['PAYMENTS_API_KEY']}"},
        json={
            "amount": amount_pence,
            "currency": "GBP",
            "customer_email": email,
            "reference": f"deposit-{booking_id}",
            "return_url": f"https://book.example-escape.co.uk/bookings/{booking_id}/thanks",
        },
    )
    resp.raise_for_status()
    return resp.json()["url"]


@bp.post("/slots/<int:slot_id>/bookings")
def book_slot(slot_id: int):
    data = request.get_json(silent=True) or {}
    try:
        players = int(data["players"])
        name = str(data["name"]).strip()[:120]
        email = str(data["email"]).strip().lower()[:254]
    except (KeyError, TypeError, ValueError):
        return jsonify(error="Bad Request", detail="players, name and email are required"), 400

    token, token_hash = new_manage_token()
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT r.capacity_min, r.capacity_max, r.price_per_player_pence, s.status "
            "FROM slots s JOIN rooms r ON r.id = s.room_id WHERE s.id = %s",
            (slot_id,),
        )
        slot = cur.fetchone()
        if slot is None or slot[3] != "open":
            return jsonify(error="Conflict", detail="That slot is no longer available."), 409
        if not slot[0] <= players <= slot[1]:
            return jsonify(error="Bad Request", detail=f"This room takes {slot[0]}-{slot[1]} players."), 400
        cur.execute("SELECT 1 FROM bookings WHERE slot_id = %s AND status <> 'cancelled'", (slot_id,))
        if cur.fetchone():
            return jsonify(error="Conflict", detail="That slot is no longer available."), 409
        total = players * slot[2]
        deposit = total * current_app.config["DEPOSIT_PERCENT"] // 100
        cur.execute(  # expect: DB005
            "INSERT INTO bookings (slot_id, customer_name, customer_email, players, total_pence, deposit_pence, "
            "deposit_status, status, manage_token_hash) VALUES (%s, %s, %s, %s, %s, %s, 'pending', 'provisional', %s) "
            "RETURNING id",
            (slot_id, name, email, players, total, deposit, token_hash),
        )
        booking_id = cur.fetchone()[0]
        cur.execute("UPDATE slots SET status = 'booked' WHERE id = %s", (slot_id,))

    checkout_url = _checkout_link(booking_id, deposit, email)
    logger.info("request %s: booking %s created for slot %s", g.get("request_id"), booking_id, slot_id)
    return jsonify(booking_id=booking_id, manage_token=token, deposit_pence=deposit, checkout_url=checkout_url), 201
