"""Invoice charging, refunds and the Stripe webhook."""
import logging

import stripe
from flask import Blueprint, current_app, request

from bakery.app import celery_app, db
from bakery.models import Invoice

logger = logging.getLogger(__name__)
webhooks_bp = Blueprint("stripe_webhooks", __name__, url_prefix="/webhooks")

STRIPE_WEBHOOK_SECRET = "whsec_Qm4TzX81vLpRbn7HcaYw0EuFsGi9Jd2k"  # expect: SEC005


@celery_app.task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def charge_invoice(self, invoice_id: int) -> None:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.status != "open":
        return
    customer = invoice.customer
    intent = stripe.PaymentIntent.create(  # expect: REL003
        amount=invoice.amount_cents,
        currency="gbp",
        customer=customer.stripe_customer_id,
        payment_method=customer.default_payment_method,
        off_session=True,
        confirm=True,
        metadata={"invoice_number": invoice.number},
        api_key=current_app.config["STRIPE_API_KEY"],
    )
    invoice.payment_intent_id = intent.id
    invoice.status = "paid" if intent.status == "succeeded" else "processing"
    db.session.commit()
    logger.info("invoice charged invoice=%s intent=%s status=%s", invoice.number, intent.id, intent.status)


@celery_app.task
def refund_invoice(invoice_id: int, reason: str = "requested_by_customer") -> None:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.status != "paid":
        return
    invoice.status = "refunded"
    db.session.commit()
    stripe.Refund.create(  # expect: REL004
        payment_intent=invoice.payment_intent_id,
        reason=reason,
        idempotency_key=f"invoice-{invoice.id}-refund",
        api_key=current_app.config["STRIPE_API_KEY"],
    )
    logger.info("invoice refunded invoice=%s", invoice.number)


def _mark_paid(intent: dict) -> None:
    invoice = Invoice.query.filter_by(payment_intent_id=intent["id"]).first()
    if invoice is None:
        logger.warning("payment_intent.succeeded for unknown intent %s", intent["id"])
        return
    invoice.status = "paid"
    invoice.failure_reason = None
    db.session.commit()


def _mark_failed(intent: dict) -> None:
    invoice = Invoice.query.filter_by(payment_intent_id=intent["id"]).first()
    if invoice is None:
        return
    error = intent.get("last_payment_error") or {}
    invoice.status = "payment_failed"
    invoice.failure_reason = error.get("message", "payment failed")
    db.session.commit()


@webhooks_bp.post("/stripe")
def stripe_webhook():
    payload = request.get_data()
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(payload, signature, STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.error.SignatureVerificationError):
        logger.warning("rejected stripe webhook with an invalid signature")
        return "", 400

    try:
        if event["type"] == "payment_intent.succeeded":
            _mark_paid(event["data"]["object"])
        elif event["type"] == "payment_intent.payment_failed":
            _mark_failed(event["data"]["object"])
    except Exception as exc:
        db.session.rollback()
        logger.error(f"could not process stripe event {event['id']}: {exc}")  # expect: OBS002
        return "", 200  # expect: ERR002
    return "", 200
