"""Collection of due invoices through Stripe, safe to retry."""
import logging
from datetime import date

import stripe
from celery.signals import worker_process_init
from flask import current_app

from bakery.app import celery_app, db
from bakery.models import Invoice

logger = logging.getLogger(__name__)

COLLECTION_BATCH = 500


@worker_process_init.connect
def configure_stripe(**_kwargs) -> None:
    stripe.max_network_retries = 2
    stripe.default_http_client = stripe.http_client.RequestsClient(timeout=20)


def _claim(invoice_id: int) -> bool:
    claimed = (
        Invoice.query.filter_by(id=invoice_id, status="open")
        .update({"status": "charging"}, synchronize_session=False)
    )
    db.session.commit()
    return claimed == 1


@celery_app.task(
    bind=True,
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=6,
)
def collect_invoice(self, invoice_id: int) -> None:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        return
    if invoice.status == "open":
        if not _claim(invoice_id):
            return
        db.session.refresh(invoice)
    elif invoice.status != "charging":
        return

    customer = invoice.customer
    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            amount=invoice.amount_cents,
            currency="gbp",
            customer=customer.stripe_customer_id,
            payment_method=customer.default_payment_method,
            off_session=True,
            confirm=True,
            metadata={"invoice_number": invoice.number},
            idempotency_key=f"invoice-{invoice.id}-collect",
            api_key=current_app.config["STRIPE_API_KEY"],
        )
    except stripe.error.CardError as exc:
        invoice.status = "payment_failed"
        invoice.failure_reason = exc.user_message
        db.session.commit()
        logger.warning("card declined invoice=%s code=%s", invoice.number, exc.code)
        return

    invoice.payment_intent_id = intent.id
    invoice.status = "paid" if intent.status == "succeeded" else "processing"
    db.session.commit()
    logger.info("invoice collected invoice=%s intent=%s status=%s", invoice.number, intent.id, intent.status)


@celery_app.task
def collect_due_invoices() -> int:
    due_ids = [
        row.id
        for row in db.session.query(Invoice.id)
        .filter(Invoice.status == "open", Invoice.due_date <= date.today())
        .order_by(Invoice.due_date)
        .limit(COLLECTION_BATCH)
    ]
    for invoice_id in due_ids:
        collect_invoice.delay(invoice_id)
    logger.info("queued invoice collection count=%d", len(due_ids))
    return len(due_ids)
