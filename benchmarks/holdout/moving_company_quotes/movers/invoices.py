import logging
from datetime import datetime, timedelta

import stripe
from flask import current_app

from movers.app import celery
from movers.models import Customer, Payment, QuoteRequest, db

log = logging.getLogger(__name__)

RETRYABLE = (stripe.error.APIConnectionError, stripe.error.RateLimitError)


def final_amount(quote):
    paid = (db.session.query(db.func.coalesce(db.func.sum(Payment.amount_cents), 0))
            .filter(Payment.quote_id == quote.id, Payment.status == "succeeded").scalar())
    return max(quote.estimate_cents - paid, 0)


def open_final_invoice(quote_id):
    """Record the final invoice row before any money moves; the task charges it."""
    quote = QuoteRequest.query.filter_by(id=quote_id).with_for_update().one()
    if quote.status != "completed":
        raise ValueError(f"quote {quote_id} is not completed")
    existing = Payment.query.filter_by(quote_id=quote.id, kind="final").first()
    if existing is not None:
        db.session.rollback()
        return existing
    payment = Payment(quote_id=quote.id, kind="final", amount_cents=final_amount(quote),
                      idempotency_key=f"final-{quote.id}", status="pending")
    db.session.add(payment)
    db.session.commit()  # ok: REL004
    charge_final_invoice.delay(payment.id)
    return payment


@celery.task(bind=True, max_retries=6, acks_late=True)
def charge_final_invoice(self, payment_id):
    stripe.api_key = current_app.config["STRIPE_API_KEY"]
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.status != "pending":
        return
    quote = db.session.get(QuoteRequest, payment.quote_id)
    customer = db.session.get(Customer, quote.customer_id)
    if payment.amount_cents == 0:
        payment.status = "succeeded"
        db.session.commit()
        return
    try:
        intent = stripe.PaymentIntent.create(
            amount=payment.amount_cents,
            currency="usd",
            customer=customer.stripe_customer_id,
            off_session=True,
            confirm=True,
            metadata={"quote_id": quote.id, "payment_id": payment.id, "kind": "final"},
            idempotency_key=payment.idempotency_key,  # ok: REL003
        )
    except RETRYABLE as exc:
        raise self.retry(exc=exc, countdown=30 * (2 ** self.request.retries))
    except stripe.error.CardError as exc:
        log.info("final invoice %s declined: %s", payment.id, exc.code)
        payment.status = "failed"
        db.session.commit()
        return
    payment.stripe_payment_intent = intent.id
    payment.status = intent.status
    db.session.commit()


@celery.task
def reconcile_pending_invoices():
    """Payments stuck in pending (worker died between Stripe and commit) are re-driven."""
    cutoff = datetime.utcnow() - timedelta(minutes=30)
    stale = (Payment.query.filter(Payment.status == "pending", Payment.kind == "final",
                                  Payment.created_at < cutoff)
             .order_by(Payment.id).limit(200).all())
    for payment in stale:
        charge_final_invoice.delay(payment.id)
    log.info("re-driving %d pending final invoices", len(stale))
