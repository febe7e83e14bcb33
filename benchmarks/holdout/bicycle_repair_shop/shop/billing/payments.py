"""Counter payments: staff charge a customer's saved card when the bike is collected."""
import logging
from datetime import datetime, timezone

import stripe
from celery import shared_task
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required

from .. import db
from ..models import Invoice

bp = Blueprint("counter", __name__)
log = logging.getLogger(__name__)


def _stripe():
    stripe.api_key = current_app.config["STRIPE_API_KEY"]
    stripe.max_network_retries = 2
    return stripe


@bp.post("/invoices/<int:invoice_id>/charge")
@login_required
def charge_saved_card(invoice_id: int):
    if not current_user.is_staff:
        abort(403)
    invoice = db.get_or_404(Invoice, invoice_id)
    if invoice.status == "paid":
        return jsonify(error="already paid"), 409
    payment_method = (request.get_json(silent=True) or {}).get("payment_method")
    if not payment_method:
        return jsonify(error="payment_method required"), 400

    try:
        intent = _stripe().PaymentIntent.create(  # expect: DB005, REL003
            amount=invoice.total_cents,
            currency="usd",
            customer=invoice.customer.stripe_customer_id,
            payment_method=payment_method,
            off_session=True,
            confirm=True,
            metadata={"invoice_id": invoice.id},
        )
        invoice.payment_intent_id = intent.id
        invoice.status = "paid"
        invoice.paid_at = datetime.now(timezone.utc)
        db.session.commit()
    except stripe.error.CardError as exc:
        log.warning("card declined for invoice %s: %s", invoice.id, exc.code)
        return jsonify(error=exc.user_message), 402
    except Exception:
        db.session.rollback()
        log.exception("charge for invoice %s failed", invoice.id)
    log.info("invoice %s charged at counter by user %s", invoice.id, current_user.id)
    return jsonify(invoice_id=invoice.id, status="paid")  # expect: ERR002


@shared_task(
    bind=True,
    name="billing.retry_declined",
    autoretry_for=(stripe.error.APIConnectionError, stripe.error.RateLimitError),
    retry_backoff=True,
    max_retries=5,
)
def retry_declined_invoices(self) -> int:
    """Second attempt on invoices whose card was declined at the counter."""
    s = _stripe()
    invoices = (
        Invoice.query.filter(Invoice.status == "declined")
        .order_by(Invoice.issued_at)
        .limit(200)
        .all()
    )
    recovered = 0
    for invoice in invoices:
        stripe_customer = invoice.customer.stripe_customer_id  # expect: DB001
        if not stripe_customer:
            continue
        methods = s.PaymentMethod.list(customer=stripe_customer, type="card", limit=1)
        if not methods.data:
            continue
        try:
            intent = s.PaymentIntent.create(  # expect: REL003
                amount=invoice.total_cents,
                currency="usd",
                customer=stripe_customer,
                payment_method=methods.data[0].id,
                off_session=True,
                confirm=True,
                metadata={"invoice_id": invoice.id, "attempt": "retry"},
            )
        except stripe.error.CardError:
            log.info("invoice %s declined again", invoice.id)
            continue
        invoice.payment_intent_id = intent.id
        invoice.status = "paid"
        invoice.paid_at = datetime.now(timezone.utc)
        recovered += 1
    db.session.commit()  # todo-expect: REL004
    log.info("retry run %s recovered %d of %d declined invoices", self.request.id, recovered, len(invoices))
    return recovered
