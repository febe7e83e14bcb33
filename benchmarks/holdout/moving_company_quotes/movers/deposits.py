import logging

import stripe
from flask import Blueprint, current_app, jsonify
from flask_login import current_user, login_required

from movers.app import celery
from movers.models import Customer, Payment, QuoteRequest, db

log = logging.getLogger(__name__)
bp = Blueprint("deposits", __name__)

RETRYABLE = (stripe.error.APIConnectionError, stripe.error.RateLimitError)


@bp.post("/quotes/<int:quote_id>/deposit")
@login_required
def request_deposit(quote_id):
    quote = QuoteRequest.query.filter_by(id=quote_id, customer_id=current_user.id).first_or_404()
    if quote.status != "approved":
        return jsonify(error="quote_not_approved"), 409
    if not current_user.stripe_customer_id:
        return jsonify(error="no_payment_method"), 422
    charge_deposit.delay(quote.id)
    return jsonify(quote_id=quote.id, deposit_cents=quote.deposit_cents, status="processing"), 202


@celery.task(bind=True, max_retries=5, default_retry_delay=20)
def charge_deposit(self, quote_id):
    stripe.api_key = current_app.config["STRIPE_API_KEY"]
    quote = db.session.get(QuoteRequest, quote_id)
    if quote is None or quote.status != "approved":
        log.warning("deposit skipped for quote %s (missing or not approved)", quote_id)
        return
    customer = db.session.get(Customer, quote.customer_id)

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003
            amount=quote.deposit_cents,
            currency="usd",
            customer=customer.stripe_customer_id,
            off_session=True,
            confirm=True,
            description=f"Moving deposit for quote {quote.id}",
            metadata={"quote_id": quote.id, "kind": "deposit"},
        )
    except RETRYABLE as exc:
        log.warning("stripe unavailable for quote %s, retrying", quote_id)
        raise self.retry(exc=exc, countdown=20 * (2 ** self.request.retries))
    except stripe.error.CardError:
        log.info("deposit card declined for quote %s", quote_id)
        quote.status = "deposit_failed"
        db.session.commit()
        return

    db.session.add(Payment(
        quote_id=quote.id,
        kind="deposit",
        amount_cents=quote.deposit_cents,
        stripe_payment_intent=intent.id,
        status="succeeded" if intent.status == "succeeded" else intent.status,
    ))
    quote.status = "deposit_paid"
    db.session.commit()  # expect: REL004
    log.info("deposit %s recorded for quote %s", intent.id, quote.id)


@bp.get("/quotes/<int:quote_id>/payments")
@login_required
def list_payments(quote_id):
    quote = QuoteRequest.query.filter_by(id=quote_id, customer_id=current_user.id).first_or_404()
    payments = (Payment.query.filter_by(quote_id=quote.id)
                .order_by(Payment.created_at.desc()).all())
    return jsonify([
        {"kind": p.kind, "amount_cents": p.amount_cents, "status": p.status,
         "created_at": p.created_at.isoformat()}
        for p in payments
    ])
