"""Customer charter bookings: quote, book with deposit, view."""
import logging
from datetime import datetime, timedelta

import stripe
from flask import Blueprint, current_app, g, jsonify, request

from . import weather
from .auth import login_required
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("bookings", __name__, url_prefix="/bookings")

MIN_HOURS, MAX_HOURS = 2, 10


def _parse_request(body):
    starts_at = datetime.fromisoformat(body["starts_at"])
    hours = int(body["hours"])
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise ValueError(f"charters run {MIN_HOURS} to {MAX_HOURS} hours")
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must include a UTC offset")
    return int(body["boat_id"]), starts_at, starts_at + timedelta(hours=hours), int(body.get("party_size", 1))


@bp.post("")
@login_required
def create_booking():
    body = request.get_json(silent=True) or {}
    try:
        boat_id, starts_at, ends_at, party_size = _parse_request(body)
    except (KeyError, ValueError) as exc:
        return jsonify({"error": str(exc)}), 422

    with get_conn() as conn:
        boat = conn.execute(
            "SELECT id, name, capacity, home_marina, hourly_rate_cents FROM boats WHERE id = %s AND active",
            (boat_id,),
        ).fetchone()
        if boat is None:
            return jsonify({"error": "boat not found"}), 404
        if party_size > boat["capacity"]:
            return jsonify({"error": f"{boat['name']} takes at most {boat['capacity']} guests"}), 422

        forecast = weather.marine_forecast(boat["home_marina"], starts_at.date())  # todo-expect: ERR003
        if not forecast["safe"]:
            return jsonify({"error": "marine forecast is unsafe for that date", "forecast": forecast}), 409

        clash = conn.execute(
            "SELECT id FROM bookings WHERE boat_id = %s AND status IN ('pending', 'confirmed') "
            "AND starts_at < %s AND ends_at > %s LIMIT 1",
            (boat_id, ends_at, starts_at),
        ).fetchone()
        if clash:
            return jsonify({"error": "boat is already booked for that time"}), 409

        total = boat["hourly_rate_cents"] * int((ends_at - starts_at).total_seconds() // 3600)
        deposit = total * current_app.config["DEPOSIT_PERCENT"] // 100
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=deposit,
            currency="usd",
            customer=g.user["stripe_customer_id"],
            payment_method=body.get("payment_method"),
            confirm=True,
            metadata={"boat_id": boat_id, "user_id": g.user["id"]},
            api_key=current_app.config["STRIPE_API_KEY"],
        )
        row = conn.execute(  # expect: DB005
            "INSERT INTO bookings (boat_id, customer_id, starts_at, ends_at, party_size, total_cents, "
            "deposit_cents, payment_intent_id, status) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'confirmed') "
            "RETURNING id",
            (boat_id, g.user["id"], starts_at, ends_at, party_size, total, deposit, intent.id),
        ).fetchone()
        conn.commit()

    logger.info("booking created id=%s boat=%s user=%s intent=%s", row["id"], boat_id, g.user["id"], intent.id)
    return jsonify({"id": row["id"], "total_cents": total, "deposit_cents": deposit}), 201


@bp.get("/<int:booking_id>")
@login_required
def get_booking(booking_id):
    with get_conn() as conn:
        booking = conn.execute(  # expect: SEC018
            "SELECT b.id, b.starts_at, b.ends_at, b.party_size, b.total_cents, b.deposit_cents, b.status, "
            "bo.name AS boat_name, bo.home_marina FROM bookings b JOIN boats bo ON bo.id = b.boat_id "
            "WHERE b.id = %s",
            (booking_id,),
        ).fetchone()
    if booking is None:
        return jsonify({"error": "booking not found"}), 404
    return jsonify(booking)


@bp.get("/mine")
@login_required
def my_bookings():
    with get_conn() as conn:
        rows = conn.execute(
            "SELECT id, boat_id, starts_at, ends_at, status FROM bookings WHERE customer_id = %s "
            "ORDER BY starts_at DESC LIMIT 50",
            (g.user["id"],),
        ).fetchall()  # ok: DB002
    return jsonify({"bookings": rows})
