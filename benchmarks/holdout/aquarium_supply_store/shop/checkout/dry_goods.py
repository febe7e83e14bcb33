"""Checkout for dry goods: tanks, filters, lighting, food, test kits."""
import logging

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from shop.models import Order, OrderLine, Product, db
from shop.payments.gateway import PaymentDeclined, gateway

bp = Blueprint("checkout_dry", __name__, url_prefix="/checkout")
log = logging.getLogger(__name__)

MAX_LINES = 50


def _load_cart(items):
    wanted = {}
    for item in items[:MAX_LINES]:
        product_id = int(item["product_id"])
        qty = int(item.get("quantity", 1))
        if qty < 1 or qty > 99:
            raise ValueError(f"bad quantity for product {product_id}")
        wanted[product_id] = wanted.get(product_id, 0) + qty
    if not wanted:
        return []
    products = Product.query.filter(Product.id.in_(wanted), Product.active.is_(True)).all()
    if len(products) != len(wanted):
        raise LookupError("some products are no longer sold")
    return [(p, wanted[p.id]) for p in products]


@bp.post("/dry-goods")
@login_required
def place_order():
    payload = request.get_json(silent=True) or {}
    cart_id = payload.get("cart_id")
    if not cart_id or not payload.get("payment_method"):
        return jsonify(error="invalid_request", message="cart_id and payment_method are required"), 400
    try:
        lines = _load_cart(payload.get("items", []))
    except (ValueError, LookupError) as exc:
        return jsonify(error="invalid_cart", message=str(exc)), 400
    if not lines:
        return jsonify(error="empty_cart"), 400

    for product, qty in lines:
        if product.is_livestock:
            return jsonify(error="livestock_in_cart", sku=product.sku), 400
        if product.stock < qty:
            return jsonify(error="out_of_stock", sku=product.sku, available=product.stock), 409

    total = sum(product.price_cents * qty for product, qty in lines)
    try:
        charge = gateway.charge(  # expect: REL004
            amount_cents=total,
            payment_method=payload["payment_method"],
            idempotency_key=f"checkout-{current_user.id}-{cart_id}",
            description=f"Reef & River order, customer {current_user.id}",
        )
    except PaymentDeclined as exc:
        log.info("card declined customer=%s cart=%s code=%s", current_user.id, cart_id, exc.code)
        return jsonify(error="payment_declined", code=exc.code), 402

    order = Order(
        customer_id=current_user.id,
        status="paid",
        total_cents=total,
        payment_reference=charge["id"],
        idempotency_key=f"checkout-{current_user.id}-{cart_id}",
    )
    db.session.add(order)
    for product, qty in lines:
        product.stock -= qty  # expect: DB004, DB005
        db.session.add(
            OrderLine(order=order, product_id=product.id, quantity=qty, unit_price_cents=product.price_cents)
        )
    db.session.commit()
    log.info("order placed order=%s customer=%s total=%d", order.id, current_user.id, total)
    return jsonify(order_id=order.id, status=order.status, total_cents=total), 201
