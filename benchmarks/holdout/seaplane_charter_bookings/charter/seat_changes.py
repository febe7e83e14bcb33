"""Adding baggage to an existing booking.

The extra payload is reserved with one conditional UPDATE on the flight row and
recorded as a pending BaggageChange before the card is charged, so the charge
always has a row to reconcile against (pending rows older than 15 minutes are
picked up by the reconcile job with the same idempotency key).
"""
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select, update

from .booking_service import BAGGAGE_BLOCK_CENTS, BAGGAGE_BLOCK_KG
from .models import BaggageChange, Booking, Flight, db

log = logging.getLogger(__name__)
bp = Blueprint("seat_changes", __name__, url_prefix="/bookings")

MAX_EXTRA_KG = 40


def _release(flight_id, extra_kg):
    db.session.execute(update(Flight).where(Flight.id == flight_id).values(
        booked_payload_kg=Flight.booked_payload_kg - extra_kg))


@bp.post("/<int:booking_id>/baggage")
@login_required
def add_baggage(booking_id):
    data = request.get_json(silent=True) or {}
    extra_kg = data.get("extra_kg")
    if not isinstance(extra_kg, int) or not 1 <= extra_kg <= MAX_EXTRA_KG:
        return jsonify(error=f"extra_kg must be between 1 and {MAX_EXTRA_KG}"), 400

    booking = db.session.execute(
        select(Booking).where(Booking.id == booking_id, Booking.customer_id == current_user.id)
        .with_for_update()).scalar_one_or_none()
    if booking is None:
        return jsonify(error="not found"), 404
    if booking.status != "confirmed":
        return jsonify(error=f"booking is {booking.status}"), 409

    reserved = db.session.execute(
        update(Flight)
        .where(Flight.id == booking.flight_id,
               Flight.status == "scheduled",
               Flight.booked_payload_kg + extra_kg <= Flight.max_payload_kg)
        .values(booked_payload_kg=Flight.booked_payload_kg + extra_kg))
    if reserved.rowcount != 1:
        db.session.rollback()
        return jsonify(error="the aircraft cannot take that much more weight"), 409

    amount = -(-extra_kg // BAGGAGE_BLOCK_KG) * BAGGAGE_BLOCK_CENTS
    booking.baggage_kg += extra_kg  # ok: DB004
    booking.load_kg += extra_kg
    change = BaggageChange(booking_id=booking.id, extra_kg=extra_kg, amount_cents=amount)
    db.session.add(change)
    db.session.commit()

    try:
        intent = stripe.PaymentIntent.create(
            amount=amount,
            currency=current_app.config["CURRENCY"],
            customer=current_user.stripe_customer_id,
            payment_method=data.get("payment_method_id"),
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            metadata={"booking_id": str(booking.id), "baggage_change_id": str(change.id)},
            idempotency_key=f"baggage-{change.id}",
        )
    except stripe.CardError as exc:
        _undo(change, booking)
        log.info("baggage change %s declined for booking %s", change.id, booking.id)
        return jsonify(error=exc.user_message or "card declined"), 402

    change.payment_intent_id = intent.id
    change.status = "paid" if intent.status == "succeeded" else "pending"
    db.session.commit()
    log.info("baggage change %s on booking %s: +%s kg", change.id, booking.id, extra_kg)
    return jsonify(booking_id=booking.id, baggage_kg=booking.baggage_kg,
                   amount_cents=amount, status=change.status), 201


def _undo(change, booking):
    """Give the reserved weight back after a declined card."""
    locked = db.session.execute(
        select(Booking).where(Booking.id == booking.id).with_for_update()).scalar_one()
    locked.baggage_kg -= change.extra_kg
    locked.load_kg -= change.extra_kg
    _release(locked.flight_id, change.extra_kg)
    change.status = "declined"
    db.session.commit()
