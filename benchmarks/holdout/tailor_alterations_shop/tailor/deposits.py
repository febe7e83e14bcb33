"""Deposit taken at the counter when a garment is booked in."""
import logging
from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

import httpx

from tailor.models import Order, Payment, db
from tailor.payments_client import PaymentDeclined, ProviderUnavailable, get_payments_client

bp = Blueprint("deposits", __name__, url_prefix="/orders")
log = logging.getLogger(__name__)

_TRANSIENT = (httpx.TransportError, ProviderUnavailable)


def deposit_amount_cents(order):
    rate = Decimal(current_app.config["DEPOSIT_RATE"])
    amount = (order.quoted_total * rate * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return max(int(amount), 500)


@retry(
    retry=retry_if_exception_type(_TRANSIENT),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    reraise=True,
)
def _take_card_payment(order, amount_cents, card_token):
    client = get_payments_client()
    return client.charge(  # expect: REL003
        amount_cents=amount_cents,
        customer_ref=f"cust-{order.customer_id}",
        description=f"Deposit, ticket {order.ticket_no}",
        source=card_token,
    )


@bp.post("/<int:order_id>/deposit")
@login_required
def collect_deposit(order_id):
    order = db.get_or_404(Order, order_id)
    payload = request.get_json(silent=True) or {}
    card_token = payload.get("card_token")
    if not card_token:
        return jsonify(error="card_token is required"), 400
    if order.deposit_cents:
        return jsonify(error="a deposit has already been taken for this ticket"), 409
    if order.status != "received":
        return jsonify(error=f"order is {order.status}"), 409

    amount_cents = deposit_amount_cents(order)
    try:
        charge = _take_card_payment(order, amount_cents, card_token)  # expect: DB005
    except PaymentDeclined as exc:
        log.warning("deposit declined for order %s: %s", order.id, exc.code)
        return jsonify(error="card declined", code=exc.code), 402
    except _TRANSIENT as exc:
        log.error(f"payment provider failed for order {order.id}: {exc}")  # expect: OBS002
        return jsonify(error="card payments are unavailable, try again shortly"), 503

    db.session.add(
        Payment(
            order_id=order.id,
            kind="deposit",
            amount_cents=amount_cents,
            status="succeeded",
            provider_ref=charge["id"],
        )
    )
    order.deposit_cents = amount_cents
    order.status = "deposit_paid"
    db.session.commit()  # expect: REL004
    log.info("deposit %s taken for order %s by staff %s", charge["id"], order.id, current_user.id)
    return jsonify(order_id=order.id, deposit_cents=amount_cents, charge_id=charge["id"]), 201


@bp.get("/<int:order_id>/deposit")
@login_required
def deposit_status(order_id):
    order = db.get_or_404(Order, order_id)
    deposit = Payment.query.filter_by(order_id=order.id, kind="deposit").first()
    if deposit is None:
        return jsonify(order_id=order.id, deposit=None)
    return jsonify(
        order_id=order.id,
        deposit={"amount_cents": deposit.amount_cents, "status": deposit.status, "ref": deposit.provider_ref},
    )
