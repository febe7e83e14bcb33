"""Stripe webhooks: settle group bookings and record refunds made in the dashboard."""
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from . import csrf, db
from .models import Booking, Refund, TourSlot

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.post("/stripe")
@csrf.exempt  # ok: SEC014
def stripe_webhook():
    payload = request.get_data()
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"]
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        log.warning("rejected stripe webhook (bad payload or signature)")
        return jsonify(error="invalid signature"), 400

    obj = event["data"]["object"]
    kind = event["type"]
    log.info("stripe event %s (%s)", event["id"], kind)

    if kind == "payment_intent.succeeded":
        _mark_paid(obj)
    elif kind == "payment_intent.payment_failed":
        _release(obj)
    elif kind == "charge.refunded":
        _record_refunds(obj)
    return jsonify(received=True)


def _booking_for(intent) -> Booking | None:
    reference = (intent.get("metadata") or {}).get("booking")
    if reference:
        return Booking.query.filter_by(reference=reference).first()
    return Booking.query.filter_by(payment_intent_id=intent["id"]).first()


def _mark_paid(intent) -> None:
    booking = _booking_for(intent)
    if booking is None:
        log.warning("payment_intent %s has no matching booking", intent["id"])
        return
    Booking.query.filter(
        Booking.id == booking.id, Booking.status.in_(("pending", "awaiting_payment"))
    ).update({"status": "paid", "payment_intent_id": intent["id"]}, synchronize_session=False)
    db.session.commit()


def _release(intent) -> None:
    booking = _booking_for(intent)
    if booking is None:
        return
    released = Booking.query.filter(
        Booking.id == booking.id, Booking.status.in_(("pending", "awaiting_payment"))
    ).update({"status": "cancelled"}, synchronize_session=False)
    if released:
        TourSlot.query.filter_by(id=booking.slot_id).update(
            {TourSlot.seats_sold: TourSlot.seats_sold - booking.party_size},
            synchronize_session=False,
        )
    db.session.commit()


def _record_refunds(charge) -> None:
    booking = Booking.query.filter_by(payment_intent_id=charge.get("payment_intent")).first()
    if booking is None:
        return
    for refund in charge.get("refunds", {}).get("data", []):
        db.session.add(Refund(booking_id=booking.id, stripe_refund_id=refund["id"],
                              amount_pence=refund["amount"], reason="dashboard"))
        try:
            db.session.commit()  # ok: DB003
        except IntegrityError:
            db.session.rollback()  # already recorded by the closure job or a cancellation
