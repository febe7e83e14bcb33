"""Customer-facing booking endpoints."""
import logging

import stripe
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from .. import db
from ..models import Booking, Trip
from .service import SoldOut, reserve_and_charge

bp = Blueprint("bookings", __name__)
logger = logging.getLogger(__name__)

MAX_PARTY = 8
MAX_GROUP = 20


def _booking_json(booking):
    return {
        "id": booking.id,
        "trip_id": booking.trip_id,
        "party_size": booking.party_size,
        "amount_cents": booking.amount_cents,
        "status": booking.status,
        "created_at": booking.created_at.isoformat() if booking.created_at else None,
    }


def _party_size(payload, upper):
    try:
        size = int(payload.get("party_size", 1))
    except (TypeError, ValueError):
        return None
    return size if 1 <= size <= upper else None


@bp.post("/trips/<int:trip_id>/bookings")
@login_required
def create_booking(trip_id):
    payload = request.get_json(silent=True) or {}
    party_size = _party_size(payload, MAX_PARTY)
    if party_size is None:
        return jsonify(error=f"party_size must be between 1 and {MAX_PARTY}"), 400
    payment_method = payload.get("payment_method")
    if not payment_method:
        return jsonify(error="payment_method is required"), 400

    trip = db.session.get(Trip, trip_id)
    if trip is None or trip.status != "scheduled":
        abort(404)
    if trip.seats_booked + party_size > trip.capacity:  # expect: DB005
        return jsonify(error="not enough seats left on this trip"), 409

    amount = trip.price_cents * party_size
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL004, REL003
            amount=amount,
            currency="usd",
            customer=current_user.stripe_customer_id,
            payment_method=payment_method,
            confirm=True,
            metadata={"trip_id": trip.id, "customer_id": current_user.id},
        )
    except stripe.CardError as exc:
        return jsonify(error=exc.user_message or "card declined"), 402

    trip.seats_booked += party_size  # expect: DB004
    booking = Booking(
        trip_id=trip.id,
        customer_id=current_user.id,
        party_size=party_size,
        amount_cents=amount,
        status="confirmed",
        payment_intent_id=intent.id,
    )
    db.session.add(booking)
    db.session.commit()
    logger.info("booking %s confirmed for trip %s", booking.id, trip.id)
    return jsonify(_booking_json(booking)), 201


@bp.post("/trips/<int:trip_id>/group-bookings")
@login_required
def create_group_booking(trip_id):
    """Larger parties go through the reservation service, which holds seats first."""
    payload = request.get_json(silent=True) or {}
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 64:
        return jsonify(error="an Idempotency-Key header is required"), 400
    party_size = _party_size(payload, MAX_GROUP)
    if party_size is None or not payload.get("payment_method"):
        return jsonify(error="party_size and payment_method are required"), 400
    try:
        booking = reserve_and_charge(trip_id, current_user, party_size, payload["payment_method"], key)
    except SoldOut:
        return jsonify(error="not enough seats left on this trip"), 409
    except stripe.CardError as exc:
        return jsonify(error=exc.user_message or "card declined"), 402
    return jsonify(_booking_json(booking)), 201


@bp.get("/bookings/<int:booking_id>")
@login_required
def get_booking(booking_id):
    booking = db.session.get(Booking, booking_id)  # expect: SEC018
    if booking is None:
        abort(404)
    return jsonify(_booking_json(booking))


@bp.get("/me/bookings")
@login_required
def my_bookings():
    page = request.args.get("page", 1, type=int)
    query = (
        db.select(Booking)
        .filter_by(customer_id=current_user.id)
        .order_by(Booking.created_at.desc())
    )
    result = db.paginate(query, page=page, per_page=20, error_out=False)
    return jsonify(items=[_booking_json(b) for b in result.items], page=page, total=result.total)
