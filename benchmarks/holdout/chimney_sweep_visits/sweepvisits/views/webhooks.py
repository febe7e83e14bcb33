"""Stripe webhooks: deposit and no-show fee outcomes."""
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from .. import csrf, db
from ..models import Appointment, StripeEvent
from ..tasks.mail import send_deposit_declined_email

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
logger = logging.getLogger(__name__)


def _deposit_succeeded(intent):
    db.session.execute(
        db.update(Appointment)
        .where(Appointment.deposit_intent_id == intent["id"])
        .values(deposit_status="paid")
    )


def _deposit_failed(intent):
    appointment_id = (intent.get("metadata") or {}).get("appointment_id")
    result = db.session.execute(
        db.update(Appointment)
        .where(Appointment.deposit_intent_id == intent["id"], Appointment.deposit_status != "paid")
        .values(deposit_status="declined")
    )
    if result.rowcount and appointment_id:
        # Queued only after the status change is committed.
        return lambda: send_deposit_declined_email.delay(int(appointment_id))
    return None


def _fee_succeeded(intent):
    # Matched on the appointment id from metadata, so a fee whose intent id
    # was never saved locally is still reconciled.
    appointment_id = int(intent["metadata"]["appointment_id"])
    db.session.execute(
        db.update(Appointment)
        .where(Appointment.id == appointment_id)
        .values(no_show_fee_status="charged", no_show_intent_id=intent["id"])
    )


HANDLERS = {
    "payment_intent.succeeded": lambda obj: (
        _fee_succeeded(obj) if obj.get("metadata", {}).get("kind") == "no_show_fee" else _deposit_succeeded(obj)
    ),
    "payment_intent.payment_failed": _deposit_failed,
}


@bp.post("/stripe")
@csrf.exempt  # ok: SEC014
def stripe_webhook():
    payload = request.get_data()  # ok: SEC019
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"]
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook with an invalid signature")
        return jsonify(error="invalid_signature"), 400

    db.session.add(StripeEvent(id=event["id"], type=event["type"]))
    try:
        db.session.flush()
    except IntegrityError:  # ok: DB005
        db.session.rollback()
        logger.info("duplicate stripe event %s ignored", event["id"])
        return jsonify(received=True)

    handler = HANDLERS.get(event["type"])
    follow_up = handler(event["data"]["object"]) if handler is not None else None
    db.session.commit()
    if follow_up is not None:
        follow_up()
    logger.info("stripe event %s (%s) processed", event["id"], event["type"])
    return jsonify(received=True)
