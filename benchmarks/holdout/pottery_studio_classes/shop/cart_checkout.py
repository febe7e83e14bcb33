import logging

import stripe
from flask import Blueprint, current_app, jsonify, request, session
from flask_login import current_user, login_required

from models import Order, OrderLine, Product, db

log = logging.getLogger(__name__)
bp = Blueprint("cart", __name__, url_prefix="/shop/cart")

MAX_LINE_QTY = 25


def _cart():
    return session.setdefault("cart", {})


@bp.get("/")
@login_required
def view_cart():
    cart = _cart()
    products = Product.query.filter(Product.sku.in_(list(cart))).all() if cart else []
    lines = [
        {"sku": p.sku, "name": p.name, "qty": cart[p.sku], "unit_pence": p.price_pence}
        for p in products
    ]
    return jsonify(lines=lines, total_pence=sum(l["qty"] * l["unit_pence"] for l in lines))


@bp.post("/items")
@login_required
def add_item():
    payload = request.get_json(silent=True) or {}
    sku = str(payload.get("sku", ""))
    qty = payload.get("qty", 1)
    if not isinstance(qty, int) or not 0 < qty <= MAX_LINE_QTY:
        return jsonify(error="invalid quantity"), 400
    if Product.query.filter_by(sku=sku).first() is None:
        return jsonify(error="unknown product"), 404
    cart = _cart()
    cart[sku] = min(cart.get(sku, 0) + qty, MAX_LINE_QTY)
    session.modified = True
    return jsonify(cart=cart)


@bp.post("/checkout")
@login_required
def checkout():
    cart = _cart()
    if not cart:
        return jsonify(error="cart is empty"), 400
    payment_method = (request.get_json(silent=True) or {}).get("payment_method")
    if not payment_method:
        return jsonify(error="payment_method required"), 400

    products = {p.sku: p for p in Product.query.filter(Product.sku.in_(list(cart))).all()}
    total = 0
    for sku, qty in cart.items():
        product = products.get(sku)
        if product is None or product.stock < qty:
            return jsonify(error="out_of_stock", sku=sku), 409
        total += product.price_pence * qty

    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003, REL004
            amount=total,
            currency=current_app.config["STRIPE_CURRENCY"],
            customer=current_user.stripe_customer_id,
            payment_method=payment_method,
            confirm=True,
            metadata={"member_id": current_user.id},
        )
    except stripe.error.CardError as exc:
        log.warning("card declined for member %s: %s", current_user.id, exc.user_message)
        return jsonify(error="card_declined", message=exc.user_message), 402

    order = Order(
        member_id=current_user.id,
        status="paid",
        total_pence=total,
        stripe_payment_intent=intent.id,
    )
    db.session.add(order)
    for sku, qty in cart.items():
        product = products[sku]
        product.stock = product.stock - qty  # expect: DB004, DB005
        db.session.add(OrderLine(order=order, sku=sku, quantity=qty,
                                 unit_price_pence=product.price_pence))
    db.session.commit()
    session.pop("cart", None)
    log.info("order %s paid by member %s (%s pence)", order.id, current_user.id, total)
    return jsonify(order_id=order.id, status=order.status), 201
