"""Bulk sales of graded stock to partner campus bookstores.

Stock is reserved first (single conditional UPDATE), the order row is written
in the same transaction, and only then is the partner invoiced. Orders stuck in
pending_payment are picked up by the nightly reconcile job, which replays the
invoice call with the same idempotency key.
"""
import logging

import stripe
from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import update

from buyback.models import PartnerOrder, PartnerStock, db
from buyback.quotes import normalise_isbn
from buyback.staff_auth import staff_required

bp = Blueprint("inventory", __name__, url_prefix="/inventory")
log = logging.getLogger(__name__)

MAX_QTY = 500


def reserve_stock(isbn: str, qty: int) -> bool:
    result = db.session.execute(
        update(PartnerStock)
        .where(PartnerStock.isbn == isbn, PartnerStock.on_hand >= qty)
        .values(on_hand=PartnerStock.on_hand - qty)  # ok: DB004, DB005
    )
    return result.rowcount == 1


def _invoice(order: PartnerOrder, customer_id: str) -> str:
    key = f"partner-order-{order.id}"
    stripe.InvoiceItem.create(
        api_key=current_app.config["STRIPE_SECRET_KEY"],
        customer=customer_id,
        amount=order.amount_cents,
        currency="usd",
        description=f"{order.quantity} x ISBN {order.isbn}",
        idempotency_key=f"{key}-item",
    )
    invoice = stripe.Invoice.create(  # ok: REL003, REL004
        api_key=current_app.config["STRIPE_SECRET_KEY"],
        customer=customer_id,
        collection_method="send_invoice",
        days_until_due=30,
        idempotency_key=f"{key}-invoice",
    )
    return invoice.id


@bp.post("/partner-orders")
@staff_required
def create_partner_order():
    data = request.get_json(silent=True) or {}
    isbn = normalise_isbn(str(data.get("isbn", "")))
    qty = data.get("quantity")
    partner_id = (data.get("partner_id") or "").strip()
    customer_id = (data.get("stripe_customer_id") or "").strip()
    if isbn is None or not isinstance(qty, int) or not 0 < qty <= MAX_QTY or not partner_id or not customer_id:
        return jsonify(error="isbn, partner_id, stripe_customer_id and quantity (1-500) are required"), 400

    stock = db.session.get(PartnerStock, isbn)
    if stock is None:
        return jsonify(error="we do not stock this isbn"), 404
    if not reserve_stock(isbn, qty):
        db.session.rollback()
        return jsonify(error="not enough copies on hand"), 409
    order = PartnerOrder(partner_id=partner_id, isbn=isbn, quantity=qty,
                         amount_cents=qty * stock.unit_price_cents)
    db.session.add(order)
    db.session.commit()

    try:
        order.invoice_id = _invoice(order, customer_id)
    except stripe.error.StripeError:
        log.exception("invoicing failed for partner order %s; left pending for reconcile", order.id)
        return jsonify(order_id=order.id, status=order.status, invoiced=False), 202  # ok: ERR002
    order.status = "invoiced"
    db.session.commit()
    log.info("staff %s created partner order %s for %s", g.staff.id, order.id, partner_id)
    return jsonify(order_id=order.id, status=order.status, invoice_id=order.invoice_id), 201


@bp.post("/stock/<isbn>/receive")
@staff_required
def receive_stock(isbn: str):
    qty = (request.get_json(silent=True) or {}).get("quantity")
    if not isinstance(qty, int) or not 0 < qty <= 10_000:
        return jsonify(error="quantity must be a positive integer"), 400
    result = db.session.execute(
        update(PartnerStock).where(PartnerStock.isbn == isbn).values(on_hand=PartnerStock.on_hand + qty)  # ok: DB004
    )
    db.session.commit()
    if result.rowcount == 0:
        return jsonify(error="unknown isbn"), 404
    return jsonify(isbn=isbn, received=qty)
