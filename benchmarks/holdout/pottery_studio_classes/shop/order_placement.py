import logging

import stripe
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from models import Order, OrderLine, Product, db

log = logging.getLogger(__name__)
bp = Blueprint("orders", __name__, url_prefix="/shop/orders")

MAX_LINES = 20


def _order_json(order):
    return {"id": order.id, "status": order.status, "total_pence": order.total_pence,
            "lines": [{"sku": l.sku, "qty": l.quantity} for l in order.lines]}


def _take_stock(sku, qty):
    result = db.session.execute(  # ok: DB004, DB005
        update(Product)
        .where(Product.sku == sku, Product.stock >= qty)
        .values(stock=Product.stock - qty)
    )
    return result.rowcount == 1


def _return_stock(order):
    for line in order.lines:
        db.session.execute(
            update(Product).where(Product.sku == line.sku)
            .values(stock=Product.stock + line.quantity)
        )


@bp.post("")
@login_required
def place_order():
    client_key = request.headers.get("Idempotency-Key", "")[:64]
    payload = request.get_json(silent=True) or {}
    items = payload.get("items") or []
    if not client_key or not items or len(items) > MAX_LINES:
        return jsonify(error="Idempotency-Key and 1-20 items are required"), 400

    previous = Order.query.filter_by(member_id=current_user.id, client_key=client_key).first()
    if previous is not None:
        return jsonify(_order_json(previous)), 200

    skus = [str(i.get("sku")) for i in items]
    prices = {p.sku: p.price_pence for p in Product.query.filter(Product.sku.in_(skus))}
    order = Order(member_id=current_user.id, client_key=client_key, status="pending", total_pence=0)
    db.session.add(order)
    for item in items:
        sku, qty = str(item.get("sku")), int(item.get("qty", 1))
        if sku not in prices or qty < 1 or not _take_stock(sku, qty):
            db.session.rollback()
            return jsonify(error="out_of_stock", sku=sku), 409
        order.total_pence += prices[sku] * qty
        db.session.add(OrderLine(order=order, sku=sku, quantity=qty, unit_price_pence=prices[sku]))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        previous = Order.query.filter_by(member_id=current_user.id, client_key=client_key).one()
        return jsonify(_order_json(previous)), 200

    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003, REL004
            amount=order.total_pence,
            currency=current_app.config["STRIPE_CURRENCY"],
            customer=current_user.stripe_customer_id,
            payment_method=payload.get("payment_method"),
            confirm=True,
            metadata={"order_id": order.id},
            idempotency_key=f"shop-order-{order.id}",
        )
    except stripe.error.CardError as exc:
        _return_stock(order)
        order.status = "payment_failed"
        db.session.commit()
        log.warning("order %s declined: %s", order.id, exc.code)
        return jsonify(error="card_declined", order=_order_json(order)), 402

    # payment_intent.succeeded webhook settles orders whose final write below is lost
    order.stripe_payment_intent = intent.id
    order.status = "paid" if intent.status == "succeeded" else "awaiting_payment"
    db.session.commit()
    log.info("order %s placed by member %s status=%s", order.id, current_user.id, order.status)
    return jsonify(_order_json(order)), 201


@bp.get("/<int:order_id>")
@login_required
def get_order(order_id):
    order = Order.query.filter_by(id=order_id, member_id=current_user.id).first_or_404()  # ok: SEC018
    return jsonify(_order_json(order))
