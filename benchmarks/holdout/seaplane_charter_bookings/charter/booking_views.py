"""Customer-facing booking endpoints."""
import logging
from datetime import timedelta
from functools import lru_cache

import stripe
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from .booking_service import BookingError, book_seats
from .metar_client import MetarClient, MetarUnavailable
from .models import Booking, Flight, db, utcnow

log = logging.getLogger(__name__)
bp = Blueprint("bookings", __name__, url_prefix="/bookings")

MAX_PARTY = 6
CANCELLATION_CUTOFF = timedelta(hours=48)


@lru_cache(maxsize=1)
def _metar_client(base_url, timeout_seconds, token):
    """One client (and connection pool) per process."""
    return MetarClient(base_url, timeout_seconds, token)


def _serialize(booking):
    return {"id": booking.id, "flight": booking.flight.code,
            "departs_at": booking.flight.departs_at.isoformat(), "seats": booking.seats,
            "baggage_kg": booking.baggage_kg, "amount_cents": booking.amount_cents,
            "status": booking.status}


def _valid_passengers(raw):
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_PARTY:
        return None
    cleaned = []
    for p in raw:
        name = str(p.get("name", "")).strip()
        weight = p.get("weight_kg")
        if not name or not isinstance(weight, int) or not 15 <= weight <= 200:
            return None
        cleaned.append({"name": name[:80], "weight_kg": weight})
    return cleaned


@bp.post("")
@login_required
def create_booking():
    data = request.get_json(silent=True) or {}
    passengers = _valid_passengers(data.get("passengers"))
    baggage_kg = data.get("baggage_kg", 0)
    key = request.headers.get("Idempotency-Key", "")
    if passengers is None or not isinstance(baggage_kg, int) or not 0 <= baggage_kg <= 120:
        return jsonify(error="invalid passengers or baggage"), 400
    if not key or len(key) > 64:
        return jsonify(error="Idempotency-Key header is required"), 400
    try:
        booking = book_seats(current_user, data.get("flight_id"), passengers, baggage_kg,
                             data.get("payment_method_id"), f"book-{current_user.id}-{key}")
    except BookingError as exc:
        return jsonify(error=str(exc)), exc.status
    except stripe.CardError as exc:
        return jsonify(error=exc.user_message or "card declined"), 402
    return jsonify(_serialize(booking)), 201


@bp.get("")
@login_required
def my_bookings():
    rows = (Booking.query.options(joinedload(Booking.flight))
            .filter_by(customer_id=current_user.id)
            .order_by(Booking.created_at.desc()).all())  # ok: DB002
    return jsonify(bookings=[_serialize(b) for b in rows])  # ok: DB001


@bp.get("/<int:booking_id>")
@login_required
def booking_detail(booking_id):
    booking = db.get_or_404(Booking, booking_id)  # expect: SEC018
    return jsonify(_serialize(booking))


@bp.get("/<int:booking_id>/weather")
@login_required
def departure_weather(booking_id):
    booking = Booking.query.filter_by(id=booking_id, customer_id=current_user.id).first_or_404()
    cfg = current_app.config
    client = _metar_client(cfg["METAR_BASE_URL"], cfg["METAR_TIMEOUT_SECONDS"], cfg["METAR_API_TOKEN"])
    station = booking.flight.origin
    try:
        obs = client.latest([station]).get(station)
    except MetarUnavailable:
        log.warning("weather unavailable for booking %s", booking.id)
        return jsonify(error="weather report temporarily unavailable"), 503
    if obs is None:
        return jsonify(error="no recent report for this station"), 404
    return jsonify(station=station, observed_at=obs.observed_at.isoformat(), wind_kt=obs.wind_kt,
                   visibility_sm=obs.visibility_sm, raw=obs.raw)


@bp.post("/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id):
    booking = db.session.execute(
        select(Booking).where(Booking.id == booking_id, Booking.customer_id == current_user.id)
        .with_for_update()).scalar_one_or_none()
    if booking is None:
        return jsonify(error="not found"), 404
    if booking.status != "confirmed":
        return jsonify(error=f"booking is {booking.status}"), 409
    if booking.flight.departs_at - utcnow() < CANCELLATION_CUTOFF:
        return jsonify(error="bookings can only be cancelled 48 hours before departure"), 409
    try:
        stripe.Refund.create(payment_intent=booking.payment_intent_id,
                             amount=booking.amount_cents - booking.booking_fee_cents,
                             idempotency_key=f"cancel-{booking.id}")
    except stripe.StripeError:
        log.exception("refund failed for cancelled booking %s", booking.id)
    booking.status = "cancelled"
    db.session.execute(update(Flight).where(Flight.id == booking.flight_id).values(
        seats_booked=Flight.seats_booked - booking.seats,
        booked_payload_kg=Flight.booked_payload_kg - booking.load_kg))
    db.session.commit()
    log.info("booking %s cancelled by customer %s", booking.id, current_user.id)
    return jsonify(status="cancelled", refund="issued")  # expect: ERR002
