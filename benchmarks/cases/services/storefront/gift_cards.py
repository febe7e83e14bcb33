"""Gift card redemption for the storefront: spends a gift card balance against an order."""
import logging

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import GiftCard, GiftCardSpend, Order

logger = logging.getLogger(__name__)

gift_cards_bp = Blueprint("gift_cards", __name__, url_prefix="/gift-cards")


def _normalise(code):
    return code.replace("-", "").strip().upper()


@gift_cards_bp.route("/spend", methods=["POST"])
@login_required
def spend_gift_card():
    """Take up to the order total from a gift card; an order can use a given card once."""
    payload = request.get_json(silent=True) or {}
    code = _normalise(payload.get("code", ""))
    order = Order.query.filter_by(id=payload.get("order_id"), user_id=current_user.id).with_for_update().first_or_404()
    amount = order.amount_due_cents
    if amount <= 0:
        return jsonify({"error": "nothing_to_pay"}), 400

    stmt = (
        update(GiftCard)
        .where(GiftCard.code == code, GiftCard.balance_cents >= amount)
        .values(balance_cents=GiftCard.balance_cents - amount)
        .returning(GiftCard.id, GiftCard.balance_cents)
    )
    row = db.session.execute(stmt).first()  # ok: DB004
    if row is None:
        db.session.rollback()
        return jsonify({"error": "insufficient_balance"}), 409

    db.session.add(GiftCardSpend(gift_card_id=row.id, order_id=order.id, amount_cents=amount))
    order.amount_due_cents = 0
    order.paid_with_gift_card = True
    try:
        db.session.commit()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        return jsonify({"error": "already_applied"}), 409

    logger.info("gift card %s spent %s cents on order %s", row.id, amount, order.id)
    return jsonify({"order_id": order.id, "remaining_cents": row.balance_cents})
