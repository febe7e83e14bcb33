"""Checkout endpoint for the storefront: takes payment for the cart and turns it into an order."""
import logging
import os

import stripe
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import CartItem, Order, OrderLine

logger = logging.getLogger(__name__)

checkout_bp = Blueprint("checkout", __name__, url_prefix="/checkout")
stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")

MAX_CART_LINES = 50


def _load_cart(user_id):
    return (
        CartItem.query.options(joinedload(CartItem.product))
        .filter_by(user_id=user_id)
        .limit(MAX_CART_LINES)
        .all()
    )


@checkout_bp.route("", methods=["POST"])
@login_required
def place_order():
    """Charge the saved card for everything in the cart and create the order."""
    payload = request.get_json(force=True)
    payment_method = payload.get("payment_method_id")
    cart_version = payload.get("cart_version")
    if not payment_method or cart_version is None:
        abort(400, description="payment_method_id and cart_version are required")

    items = _load_cart(current_user.id)
    if not items:
        abort(400, description="cart is empty")

    total = sum(item.product.price_cents * item.quantity for item in items)
    intent = stripe.PaymentIntent.create(  # expect: REL004
        amount=total,
        currency="usd",
        customer=current_user.stripe_customer_id,
        payment_method=payment_method,
        confirm=True,
        off_session=False,
        idempotency_key=f"cart-{current_user.id}-{cart_version}",
    )

    order = Order(
        user_id=current_user.id,
        total_cents=total,
        payment_intent_id=intent.id,
        status="paid",
    )
    db.session.add(order)
    for item in items:
        product = item.product
        product.stock -= item.quantity  # expect: DB004
        db.session.add(
            OrderLine(
                order=order,
                product_id=product.id,
                quantity=item.quantity,
                unit_price_cents=product.price_cents,
            )
        )
        db.session.delete(item)
    db.session.commit()

    logger.info("order %s placed by user %s for %s cents", order.id, current_user.id, total)
    return jsonify({"order_id": order.id, "status": order.status}), 201
