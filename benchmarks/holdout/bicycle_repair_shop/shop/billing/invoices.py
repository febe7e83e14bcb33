"""Customer-facing invoice payment with a saved or new card."""
import logging

import stripe
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update

from .. import db
from ..models import Invoice

bp = Blueprint("invoices", __name__)
log = logging.getLogger(__name__)


def _stripe_client() -> stripe.StripeClient:
    return stripe.StripeClient(
        current_app.config["STRIPE_API_KEY"],
        max_network_retries=2,
        http_client=stripe.RequestsClient(timeout=20),  # ok: REL001
    )


def _own_invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.customer_id != current_user.customer_id:
        abort(404)
    return invoice


@bp.get("/<int:invoice_id>")
@login_required
def show(invoice_id: int):
    invoice = _own_invoice(invoice_id)
    return jsonify(id=invoice.id, total_cents=invoice.total_cents, status=invoice.status)


@bp.post("/<int:invoice_id>/pay")
@login_required
def pay(invoice_id: int):
    invoice = _own_invoice(invoice_id)
    payment_method = (request.get_json(silent=True) or {}).get("payment_method")
    if not payment_method:
        return jsonify(error="payment_method required"), 400

    # move open -> processing in one statement; a second click finds nothing to claim
    claimed = db.session.execute(
        update(Invoice)
        .where(Invoice.id == invoice.id, Invoice.status.in_(("open", "declined")))
        .values(status="processing")  # ok: DB005
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return jsonify(error="invoice is not payable", status=invoice.status), 409

    try:
        intent = _stripe_client().payment_intents.create(  # ok: REL003
            params={
                "amount": invoice.total_cents,
                "currency": "usd",
                "payment_method": payment_method,
                "confirm": True,
                "metadata": {"invoice_id": str(invoice.id)},
                "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
            },
            options={"idempotency_key": f"invoice-{invoice.id}-pm-{payment_method}"},
        )
    except stripe.CardError as exc:
        invoice.status = "declined"
        db.session.commit()
        log.info("invoice %s declined for user %s: %s", invoice.id, current_user.id, exc.code)
        return jsonify(error=exc.user_message), 402
    except stripe.StripeError:
        # leave it "processing": the webhook or the reconciler settles the final state
        log.exception("stripe error paying invoice %s", invoice.id)
        return jsonify(error="payment provider unavailable, try again shortly"), 502

    invoice.payment_intent_id = intent.id
    db.session.commit()
    log.info("invoice %s payment intent %s is %s", invoice.id, intent.id, intent.status)
    return jsonify(invoice_id=invoice.id, status="processing", intent_status=intent.status), 202
