"""Refund tasks: cancelled orders and dead-on-arrival claims for livestock."""
import logging

import httpx
from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from shop.models import Order, db
from shop.payments.gateway import gateway, read_api_key

log = logging.getLogger(__name__)


def _auth_headers():
    key = read_api_key(current_app.config["PAYMENTS_API_KEY_FILE"])
    return {"Authorization": f"Bearer {key}", "Accept": "application/json"}


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(httpx.TransportError, OperationalError),
    retry_backoff=30,
    max_retries=5,  # ok: REL002
)
def refund_cancelled_order(self, order_id):
    order = db.session.get(Order, order_id)
    if order is None or order.status != "cancelled" or not order.payment_reference:
        log.info("skip refund order=%s", order_id)
        return
    outstanding = order.total_cents - order.refunded_cents
    if outstanding <= 0:
        return
    # a retry after a failed commit gets the same refund back for the same key
    key = f"cancel-refund-{order.id}"
    gateway.refund(charge_id=order.payment_reference, amount_cents=outstanding, idempotency_key=key)  # ok: REL003, REL004
    mark_refunded = (
        db.update(Order)
        .where(Order.id == order.id, Order.status == "cancelled")
        .values(refunded_cents=Order.total_cents, status="refunded")
    )
    db.session.execute(mark_refunded)  # ok: DB004
    db.session.commit()


@shared_task(bind=True, autoretry_for=(httpx.HTTPError,), retry_backoff=True, max_retries=None)  # expect: REL002
def refund_doa_claim(self, order_id, amount_cents, claim_id):
    """Refund part of an order after support approves a dead-on-arrival photo claim."""
    order = db.session.get(Order, order_id)
    if order is None:
        log.warning("DOA claim %s for missing order %s", claim_id, order_id)
        return
    if order.refunded_cents + amount_cents > order.total_cents:
        log.warning("DOA claim %s exceeds order %s total", claim_id, order_id)
        return

    headers = _auth_headers()
    log.info("DOA refund order=%s claim=%s headers=%s", order_id, claim_id, headers)  # expect: SEC007
    url = f"{current_app.config['PAYMENTS_BASE_URL']}/refunds"
    form = {"charge": order.payment_reference, "amount": amount_cents, "metadata[claim_id]": claim_id}
    resp = httpx.post(url, data=form, headers=headers, timeout=None)  # expect: REL001, REL003, REL004
    resp.raise_for_status()
    refund = resp.json()

    order.refunded_cents = order.refunded_cents + amount_cents  # expect: DB004
    if order.refunded_cents >= order.total_cents:
        order.status = "refunded"
    db.session.commit()
    log.info("DOA refund done order=%s claim=%s refund=%s", order_id, claim_id, refund.get("id"))
    return refund.get("id")
