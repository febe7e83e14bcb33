"""Stripe webhooks for payment outcomes and for refunds made from the Stripe dashboard."""
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ferry import api_error, db
from ferry.models import Booking, ProcessedStripeEvent
from ferry.vehicle_bookings import release_lane_space

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
logger = logging.getLogger(__name__)


def _booking_for_intent(intent):
    booking_id = (intent.get("metadata") or {}).get("booking_id")
    stmt = select(Booking).with_for_update()
    if booking_id:
        return db.session.scalar(stmt.where(Booking.id == int(booking_id)))
    return db.session.scalar(stmt.where(Booking.payment_intent_id == intent["id"]))


def _payment_succeeded(intent):
    booking = _booking_for_intent(intent)
    if booking is None or booking.status != "pending_payment":
        return
    booking.payment_intent_id = intent["id"]
    booking.status = "confirmed"  # ok: DB004


def _payment_failed(intent):
    booking = _booking_for_intent(intent)
    if booking is None or booking.status != "pending_payment":
        return
    booking.status = "payment_failed"
    if booking.kind == "vehicle":
        release_lane_space(booking.sailing_id, booking.lane_metres)


def _charge_refunded(charge):
    db.session.execute(
        update(Booking)
        .where(Booking.payment_intent_id == charge["payment_intent"], Booking.status.in_(("confirmed", "cancelled")))
        .values(status="refunded")
    )


HANDLERS = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "charge.refunded": _charge_refunded,
}


@bp.post("/stripe")
def stripe_webhook():
    payload = request.get_data()  # ok: SEC019
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"])
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook with a bad payload or signature")
        return api_error("bad_signature", "Invalid signature", 400)

    db.session.add(ProcessedStripeEvent(id=event["id"], type=event["type"]))
    try:
        db.session.flush()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        logger.info("stripe event %s already processed", event["id"])
        return jsonify(received=True, duplicate=True)

    handler = HANDLERS.get(event["type"])
    if handler is not None:
        handler(event["data"]["object"])
    db.session.commit()
    logger.info("processed stripe event %s (%s)", event["id"], event["type"])
    return jsonify(received=True)
