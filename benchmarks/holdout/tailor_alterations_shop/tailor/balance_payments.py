"""Balance collected when the customer picks the finished garment up."""
import logging
import uuid
from datetime import datetime, timedelta

import click
import httpx
from flask import Blueprint, jsonify, request
from flask_login import login_required
from sqlalchemy import select, update
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from tailor.models import Order, Payment, db
from tailor.payments_client import PaymentDeclined, ProviderUnavailable, get_payments_client

bp = Blueprint("balance_payments", __name__, url_prefix="/orders")
log = logging.getLogger(__name__)

_TRANSIENT = (httpx.TransportError, ProviderUnavailable)
_charge_with_retry = retry(
    retry=retry_if_exception_type(_TRANSIENT),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=5),
    reraise=True,
)


def _mark(payment_id, status, provider_ref=None):
    db.session.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.status == "pending")
        .values(status=status, provider_ref=provider_ref)
    )


@bp.post("/<int:order_id>/balance")
@login_required
def collect_balance(order_id):
    card_token = (request.get_json(silent=True) or {}).get("card_token")
    if not card_token:
        return jsonify(error="card_token is required"), 400

    order = db.session.execute(
        select(Order).where(Order.id == order_id).with_for_update()
    ).scalar_one_or_none()
    if order is None:
        return jsonify(error="order not found"), 404
    payment = db.session.execute(
        select(Payment).where(Payment.order_id == order.id, Payment.kind == "balance",
                              Payment.status.in_(("pending", "succeeded")))
    ).scalar_one_or_none()
    if payment is not None and payment.status == "succeeded":
        return jsonify(error="balance already paid"), 409
    if payment is None:
        due = int(order.quoted_total * 100) - order.deposit_cents
        payment = Payment(order_id=order.id, kind="balance", amount_cents=due, status="pending",
                          idempotency_key=f"bal-{order.id}-{uuid.uuid4().hex[:12]}")
        db.session.add(payment)
    db.session.commit()  # ok: REL004

    client = get_payments_client()
    try:
        charge = _charge_with_retry(client.charge)(  # ok: REL003
            amount_cents=payment.amount_cents,
            customer_ref=f"cust-{order.customer_id}",
            description=f"Balance, ticket {order.ticket_no}",
            source=card_token,
            idempotency_key=payment.idempotency_key,
        )
    except PaymentDeclined as exc:
        _mark(payment.id, "failed")
        db.session.commit()
        log.warning("balance declined for order %s: %s", order.id, exc.code)
        return jsonify(error="card declined", code=exc.code), 402
    except _TRANSIENT:
        log.exception("balance charge for order %s left pending", order.id)
        return jsonify(error="card payments are unavailable, try again shortly"), 503

    _mark(payment.id, "succeeded", charge["id"])
    db.session.execute(update(Order).where(Order.id == order.id).values(status="collected"))
    db.session.commit()
    log.info("balance %s paid for order %s", charge["id"], order.id)
    return jsonify(order_id=order.id, paid_cents=payment.amount_cents, charge_id=charge["id"]), 201


@bp.cli.command("reconcile-payments")
@click.option("--older-than-minutes", default=15)
def reconcile_pending(older_than_minutes):
    """Settle payments left pending when a request died after calling the provider."""
    cutoff = datetime.utcnow() - timedelta(minutes=older_than_minutes)
    pending = db.session.execute(
        select(Payment).where(Payment.status == "pending", Payment.created_at < cutoff,
                              Payment.idempotency_key.is_not(None))
        .order_by(Payment.id).limit(200)
    ).scalars().all()
    client = get_payments_client()
    for payment in pending:
        found = client.find_by_idempotency_key(payment.idempotency_key)
        if found and found["status"] == "succeeded":
            _mark(payment.id, "succeeded", found["id"])
        elif found is None or found["status"] == "failed":
            _mark(payment.id, "failed")
    db.session.commit()
    click.echo(f"reconciled {len(pending)} pending payments")
