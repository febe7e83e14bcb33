"""Coupon redemption for the storefront: validates a code and attaches the discount to the cart."""
import logging
from datetime import datetime, timezone

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from .extensions import db
from .models import Cart, Coupon, CouponRedemption

logger = logging.getLogger(__name__)

coupons_bp = Blueprint("coupons", __name__, url_prefix="/coupons")


def _find_coupon(code):
    return Coupon.query.filter_by(code=code.strip().upper(), active=True).first()


def _discount_for(coupon, subtotal_cents):
    if coupon.kind == "percent":
        return subtotal_cents * coupon.value // 100
    return min(coupon.value, subtotal_cents)


@coupons_bp.route("/redeem", methods=["POST"])
@login_required
def redeem_coupon():
    """Apply a coupon to the current cart; each customer may use a coupon once."""
    code = (request.get_json(silent=True) or {}).get("code", "")
    coupon = _find_coupon(code)
    if coupon is None:
        return jsonify({"error": "invalid_code"}), 404
    if coupon.expires_at and coupon.expires_at < datetime.now(timezone.utc):
        return jsonify({"error": "expired"}), 410
    if coupon.times_used >= coupon.max_uses:  # expect: DB005
        return jsonify({"error": "exhausted"}), 410

    existing = CouponRedemption.query.filter_by(coupon_id=coupon.id, user_id=current_user.id).first()
    if existing is not None:  # expect: DB005
        return jsonify({"error": "already_used"}), 409

    cart = Cart.query.filter_by(user_id=current_user.id).first_or_404()
    discount = _discount_for(coupon, cart.subtotal_cents)
    cart.discount_cents = discount
    cart.coupon_id = coupon.id
    coupon.times_used += 1  # expect: DB004
    db.session.add(CouponRedemption(coupon_id=coupon.id, user_id=current_user.id, cart_id=cart.id))
    db.session.commit()

    logger.info("coupon %s applied to cart %s (-%s cents)", coupon.code, cart.id, discount)
    return jsonify({"discount_cents": discount, "total_cents": cart.subtotal_cents - discount})
