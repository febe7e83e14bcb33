"""Checkout for live fish, corals and plants, which ship only in booked carrier slots."""
import logging
from datetime import datetime, timezone

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from shop.integrations.weather import shipping_allowed
from shop.models import Order, OrderLine, OutboxMessage, Product, ShippingSlot, db
from shop.payments.gateway import PaymentDeclined, PaymentUnavailable, gateway

bp = Blueprint("checkout_livestock", __name__, url_prefix="/checkout")
log = logging.getLogger(__name__)

RESTOCK_ORDER_SQL = text(
    "UPDATE products AS p SET stock = p.stock + l.quantity "
    "FROM order_lines AS l WHERE l.order_id = :order_id AND l.product_id = p.id"
)


def _summary(order):
    return {"order_id": order.id, "status": order.status, "total_cents": order.total_cents}


def _release(order):
    """Give back the slot seat and the stock held by an order whose payment failed."""
    db.session.execute(
        update(ShippingSlot).where(ShippingSlot.id == order.shipping_slot_id).values(booked=ShippingSlot.booked - 1)
    )
    db.session.execute(RESTOCK_ORDER_SQL, {"order_id": order.id})
    order.status = "payment_failed"
    db.session.commit()


@bp.post("/livestock")
@login_required
def place_livestock_order():
    payload = request.get_json(silent=True) or {}
    slot = db.get_or_404(ShippingSlot, int(payload.get("shipping_slot_id", 0)))
    items = {int(i["product_id"]): int(i["quantity"]) for i in payload.get("items", [])[:20]}
    idem = f"checkout-{current_user.id}-{payload.get('cart_id')}"

    existing = Order.query.filter_by(idempotency_key=idem, customer_id=current_user.id).first()
    if existing is not None:
        return jsonify(_summary(existing)), 200

    decision = shipping_allowed(current_user.shipping_zip or "", slot.ship_date)
    if not decision.allowed:
        return jsonify(error="cannot_ship", reason=decision.reason), 422

    products = {p.id: p for p in Product.query.filter(Product.id.in_(items), Product.is_livestock.is_(True))}
    if not items or len(products) != len(items):
        return jsonify(error="invalid_cart"), 400
    try:
        take_seat = (
            update(ShippingSlot)
            .where(ShippingSlot.id == slot.id, ShippingSlot.booked < ShippingSlot.capacity)
            .values(booked=ShippingSlot.booked + 1)
        )
        seat = db.session.execute(take_seat)  # ok: DB004, DB005
        if seat.rowcount != 1:
            db.session.rollback()
            return jsonify(error="slot_full"), 409
        for product_id, qty in items.items():
            hold = update(Product).where(Product.id == product_id, Product.stock >= qty).values(stock=Product.stock - qty)
            held = db.session.execute(hold)  # ok: DB001, DB004, DB005
            if held.rowcount != 1:
                db.session.rollback()
                return jsonify(error="out_of_stock", sku=products[product_id].sku), 409
        total = sum(products[pid].price_cents * qty for pid, qty in items.items())
        order = Order(customer_id=current_user.id, status="pending_payment", total_cents=total,
                      shipping_slot_id=slot.id, idempotency_key=idem)
        db.session.add(order)
        for pid, qty in items.items():
            db.session.add(OrderLine(order=order, product_id=pid, quantity=qty,
                                     unit_price_cents=products[pid].price_cents))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = Order.query.filter_by(idempotency_key=idem, customer_id=current_user.id).first_or_404()
        return jsonify(_summary(existing)), 200

    # orders stuck in pending_payment are settled by tasks.reconcile_payments using the same key
    try:
        charge = gateway.charge(idempotency_key=f"order-{order.id}", amount_cents=order.total_cents,  # ok: REL003, REL004
                                payment_method=payload.get("payment_method", ""))
    except PaymentDeclined as exc:
        _release(order)
        return jsonify(error="payment_declined", code=exc.code), 402
    except PaymentUnavailable:
        log.warning("payment provider unavailable, order=%s left pending", order.id, exc_info=True)
        return jsonify(error="payment_pending", **_summary(order)), 202

    order.status = "paid"
    order.payment_reference = charge["id"]
    paid_event = {"order_id": order.id, "paid_at": datetime.now(timezone.utc).isoformat()}
    db.session.add(OutboxMessage(topic="order.paid", payload=paid_event))  # ok: REL004
    db.session.commit()
    return jsonify(_summary(order)), 201
