"""The student's own account pages: order history, balance, payout details."""
import logging

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from buyback.models import BuybackOrder, OrderItem, db

bp = Blueprint("account", __name__, url_prefix="/account")
log = logging.getLogger(__name__)

PER_PAGE = 20


def _serialise(order: BuybackOrder) -> dict:
    return {
        "id": order.id,
        "status": order.status,
        "payout_method": order.payout_method,
        "books": [{"isbn": i.isbn, "title": i.title, "offer_cents": i.offer_cents,
                   "final_cents": i.final_cents} for i in order.items],
        "total_offer_cents": order.total_offer_cents,
        "total_final_cents": order.total_final_cents,
        "created_at": order.created_at.isoformat(),
    }


@bp.get("/orders")
@login_required
def my_orders():
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = (
        select(BuybackOrder)
        .where(BuybackOrder.student_id == current_user.id)
        .options(selectinload(BuybackOrder.items))
        .order_by(BuybackOrder.created_at.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    orders = db.session.scalars(stmt).all()  # ok: DB002
    total = db.session.scalar(
        select(func.count()).select_from(BuybackOrder).where(BuybackOrder.student_id == current_user.id)
    )
    return jsonify(page=page, per_page=PER_PAGE, total=total,
                   orders=[_serialise(o) for o in orders])  # ok: DB001


@bp.get("/orders/<int:order_id>")
@login_required
def my_order(order_id: int):
    order = db.session.scalar(
        select(BuybackOrder)
        .where(BuybackOrder.id == order_id, BuybackOrder.student_id == current_user.id)  # ok: SEC018
        .options(selectinload(BuybackOrder.items))
    )
    if order is None:
        return jsonify(error="not found"), 404
    return jsonify(_serialise(order))


@bp.get("/balance")
@login_required
def balance():
    pending = db.session.scalar(
        select(func.coalesce(func.sum(OrderItem.offer_cents), 0))
        .join(BuybackOrder, OrderItem.order_id == BuybackOrder.id)
        .where(BuybackOrder.student_id == current_user.id,
               BuybackOrder.status.in_(("open", "in_transit", "received")))
    )
    return jsonify(credit_balance_cents=current_user.credit_balance_cents, pending_offer_cents=pending)


@bp.put("/payout-email")
@login_required
def set_payout_email():
    email = ((request.get_json(silent=True) or {}).get("paypal_email") or "").strip()
    if "@" not in email or len(email) > 255:
        return jsonify(error="a valid PayPal email is required"), 400
    current_user.paypal_email = email
    db.session.commit()
    log.info("student %s updated payout email", current_user.id)
    return jsonify(paypal_email=email)
