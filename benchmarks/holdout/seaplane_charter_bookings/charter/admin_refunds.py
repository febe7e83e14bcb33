"""Ops desk refunds for a single booking (goodwill, weather, medical)."""
import logging

import stripe
from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy import select, update

from .auth import role_required
from .models import Booking, Flight, Refund, db

log = logging.getLogger(__name__)
bp = Blueprint("admin_refunds", __name__, url_prefix="/ops/refunds")

REFUND_REASONS = {"weather", "goodwill", "medical", "operational"}


def refundable_cents(booking, reason):
    """Operational and weather refunds keep the booking fee; others refund in full."""
    if reason in {"weather", "operational"}:
        return max(0, booking.amount_cents - booking.booking_fee_cents)
    return booking.amount_cents


@bp.post("/<int:booking_id>")
@role_required("ops")
def refund_booking(booking_id):
    data = request.get_json(silent=True) or {}
    reason = data.get("reason")
    if reason not in REFUND_REASONS:
        return jsonify(error=f"reason must be one of {sorted(REFUND_REASONS)}"), 400

    booking = db.session.execute(
        select(Booking).where(Booking.id == booking_id).with_for_update()).scalar_one_or_none()
    if booking is None:
        return jsonify(error="not found"), 404
    if booking.status != "confirmed":
        return jsonify(error=f"booking is {booking.status}"), 409

    amount = refundable_cents(booking, reason)
    try:
        refund = stripe.Refund.create(  # ok: REL003
            payment_intent=booking.payment_intent_id,
            amount=amount,
            reason="requested_by_customer",
            metadata={"booking_id": str(booking.id), "cause": reason},
            idempotency_key=f"ops-refund-{booking.id}",
        )
    except stripe.StripeError:
        db.session.rollback()
        log.exception("ops refund failed for booking %s", booking_id)
        return jsonify(error="the payment provider rejected the refund"), 502

    booking.status = "refunded"
    db.session.add(Refund(booking_id=booking.id, stripe_refund_id=refund.id,
                          amount_cents=amount, reason=reason))
    db.session.execute(update(Flight).where(Flight.id == booking.flight_id).values(
        seats_booked=Flight.seats_booked - booking.seats,
        booked_payload_kg=Flight.booked_payload_kg - booking.load_kg))
    db.session.commit()
    log.info("booking %s refunded %s cents (%s) by ops user %s",
             booking.id, amount, reason, current_user.id)
    return jsonify(booking_id=booking.id, status="refunded", amount_cents=amount)


@bp.get("/<int:booking_id>")
@role_required("ops")
def refund_status(booking_id):
    refund = Refund.query.filter_by(booking_id=booking_id).first()
    if refund is None:
        return jsonify(error="no refund for this booking"), 404
    return jsonify(booking_id=booking_id, stripe_refund_id=refund.stripe_refund_id,
                   amount_cents=refund.amount_cents, reason=refund.reason,
                   created_at=refund.created_at.isoformat())
