import logging
from datetime import date

import stripe
from dateutil.relativedelta import relativedelta
from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from app import celery, csrf
from models import Member, Membership, Order, ProcessedEvent, db

log = logging.getLogger(__name__)
bp = Blueprint("stripe_webhooks", __name__, url_prefix="/webhooks")


@bp.post("/stripe")
@csrf.exempt  # ok: SEC014
def stripe_webhook():
    payload = request.get_data(cache=False)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"]
        )
    except (ValueError, stripe.error.SignatureVerificationError):
        log.warning("rejected stripe webhook with bad signature")
        return jsonify(error="invalid signature"), 400

    db.session.add(ProcessedEvent(id=event["id"]))
    try:
        db.session.flush()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        return jsonify(status="duplicate"), 200

    obj = event["data"]["object"]
    if event["type"] == "payment_intent.succeeded" and "order_id" in obj.get("metadata", {}):
        Order.query.filter_by(id=int(obj["metadata"]["order_id"])).update(
            {Order.status: "paid", Order.stripe_payment_intent: obj["id"]}
        )
    elif event["type"] == "payment_intent.payment_failed" and "membership_id" in obj.get("metadata", {}):
        Membership.query.filter_by(id=int(obj["metadata"]["membership_id"])).update(
            {Membership.status: "past_due"}
        )
        retry_failed_renewal.apply_async(
            args=[int(obj["metadata"]["membership_id"]), obj["metadata"].get("period")],
            countdown=6 * 3600,
        )
    db.session.commit()
    log.info("processed stripe event %s (%s)", event["id"], event["type"])
    return jsonify(status="ok"), 200


@celery.task(bind=True, max_retries=3, default_retry_delay=1800)
def retry_failed_renewal(self, membership_id, period=None):
    period = period or f"{date.today():%Y-%m}"
    membership = (
        db.session.query(Membership)
        .filter(Membership.id == membership_id)
        .with_for_update()
        .one_or_none()
    )
    if membership is None or membership.status != "past_due":
        db.session.rollback()
        return "skipped"
    member = db.session.get(Member, membership.member_id)
    try:
        stripe.PaymentIntent.create(  # ok: REL003
            amount=membership.monthly_pence,
            currency="gbp",
            customer=member.stripe_customer_id,
            off_session=True,
            confirm=True,
            metadata={"membership_id": membership.id, "period": period},
            idempotency_key=f"renewal-{membership.id}-{period}-retry",
        )
    except stripe.error.CardError as exc:
        db.session.rollback()
        log.warning("renewal retry for membership %s declined: %s", membership.id, exc.code)
        return "declined"
    except stripe.error.APIConnectionError as exc:
        db.session.rollback()
        raise self.retry(exc=exc)
    membership.status = "active"
    membership.renews_on = membership.renews_on + relativedelta(months=1)
    db.session.commit()
    return "renewed"
