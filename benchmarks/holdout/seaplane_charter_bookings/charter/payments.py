"""Stripe webhook receiver: payment failures and refund updates."""
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from . import csrf
from .models import BaggageChange, Booking, Flight, Refund, StripeEvent, db

log = logging.getLogger(__name__)
bp = Blueprint("stripe_webhooks", __name__, url_prefix="/webhooks")


def _payment_failed(intent):
    booking = db.session.execute(
        select(Booking).where(Booking.payment_intent_id == intent["id"]).with_for_update()
    ).scalar_one_or_none()
    if booking is None or booking.status != "confirmed":
        return
    booking.status = "payment_failed"
    db.session.execute(update(Flight).where(Flight.id == booking.flight_id).values(
        seats_booked=Flight.seats_booked - booking.seats,
        booked_payload_kg=Flight.booked_payload_kg - booking.load_kg))
    log.info("booking %s released after failed payment %s", booking.id, intent["id"])


def _payment_succeeded(intent):
    updated = (BaggageChange.query
               .filter_by(payment_intent_id=intent["id"], status="pending")
               .update({"status": "paid"}))
    if updated:
        log.info("baggage change for intent %s marked paid", intent["id"])


def _refund_updated(refund):
    if refund.get("status") == "failed":
        row = Refund.query.filter_by(stripe_refund_id=refund["id"]).first()
        if row is not None:
            log.warning("refund %s for booking %s failed at Stripe", refund["id"], row.booking_id)


HANDLERS = {
    "payment_intent.payment_failed": _payment_failed,
    "payment_intent.succeeded": _payment_succeeded,
    "refund.updated": _refund_updated,
}


@bp.post("/stripe")
@csrf.exempt  # ok: SEC014
def stripe_webhook():
    payload = request.get_data()
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"])
    except (ValueError, stripe.SignatureVerificationError):
        log.warning("rejected Stripe webhook with an invalid signature")
        return jsonify(error="invalid signature"), 400

    db.session.add(StripeEvent(id=event["id"], type=event["type"]))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        log.info("duplicate Stripe event %s ignored", event["id"])
        return jsonify(status="duplicate")

    handler = HANDLERS.get(event["type"])
    if handler is not None:
        handler(event["data"]["object"])
    db.session.commit()
    return jsonify(status="processed")
