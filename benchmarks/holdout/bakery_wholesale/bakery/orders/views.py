"""Customer-facing order endpoints for the wholesale portal."""
from datetime import date, datetime, timezone

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from bakery.app import db
from bakery.models import Order, OrderLine, PromoCode
from bakery.orders.service import (
    CreditLimitExceeded,
    OrderingClosed,
    UnknownProduct,
    cancel_order,
    ordering_deadline,
    place_order,
)

orders_bp = Blueprint("orders", __name__, url_prefix="/orders")


def _serialize(order: Order) -> dict:
    return {
        "id": order.id,
        "delivery_date": order.delivery_date.isoformat(),
        "status": order.status,
        "total_cents": order.total_cents,
        "po_number": order.po_number,
    }


@orders_bp.post("")
@login_required
def create_order():
    payload = request.get_json(force=True)
    key = request.headers.get("Idempotency-Key")
    if not key:
        return jsonify(error="Idempotency-Key header is required"), 400
    try:
        order = place_order(
            customer_id=current_user.customer_id,
            delivery_date=date.fromisoformat(payload["delivery_date"]),
            lines=payload["lines"],
            po_number=payload.get("po_number"),
            idempotency_key=key,
        )
    except CreditLimitExceeded:
        return jsonify(error="credit limit exceeded"), 402
    except OrderingClosed as exc:
        return jsonify(error=str(exc)), 409
    except (KeyError, ValueError, UnknownProduct) as exc:
        return jsonify(error=f"invalid order: {exc}"), 400
    return jsonify(_serialize(order)), 201


@orders_bp.get("")
@login_required
def list_orders():
    orders = (
        Order.query.filter_by(customer_id=current_user.customer_id)
        .order_by(Order.delivery_date.desc())
        .all()  # expect: DB002
    )
    result = []
    for order in orders:
        item = _serialize(order)
        item["lines"] = [{"sku": line.product.sku, "quantity": line.quantity} for line in order.lines]  # expect: DB001
        result.append(item)
    return jsonify(orders=result)


@orders_bp.get("/<int:order_id>")
@login_required
def get_order(order_id: int):
    order = db.get_or_404(Order, order_id)  # expect: SEC018
    item = _serialize(order)
    item["lines"] = [
        {"sku": line.product.sku, "quantity": line.quantity, "unit_price_cents": line.unit_price_cents}
        for line in order.lines
    ]
    return jsonify(item)


@orders_bp.patch("/<int:order_id>/lines/<int:line_id>")
@login_required
def change_line_quantity(order_id: int, line_id: int):
    line = (
        OrderLine.query.join(Order)
        .filter(OrderLine.id == line_id, Order.id == order_id, Order.customer_id == current_user.customer_id)  # ok: SEC018
        .first_or_404()
    )
    order = line.order
    if order.status != "pending" or datetime.now(timezone.utc) >= ordering_deadline(order.delivery_date):
        return jsonify(error="this order can no longer be changed"), 409
    new_quantity = int(request.get_json(force=True)["quantity"])
    if not 1 <= new_quantity <= 500:
        return jsonify(error="quantity must be between 1 and 500"), 400
    delta = (new_quantity - line.quantity) * line.unit_price_cents
    customer = order.customer
    if customer.balance_cents + delta > customer.credit_limit_cents:
        return jsonify(error="credit limit exceeded"), 402
    line.quantity = new_quantity
    order.total_cents += delta
    customer.balance_cents += delta  # expect: DB004
    db.session.commit()
    return jsonify(_serialize(order))


@orders_bp.post("/<int:order_id>/promo")
@login_required
def apply_promo(order_id: int):
    order = Order.query.filter_by(id=order_id, customer_id=current_user.customer_id, status="pending").first_or_404()
    code = (request.get_json(force=True).get("code") or "").strip().upper()
    promo = PromoCode.query.filter_by(code=code, redeemed_by_customer_id=None).first()  # expect: DB005
    if promo is None:
        return jsonify(ok=False, message="promo code not valid"), 200  # todo-expect: MNT001
    promo.redeemed_by_customer_id = current_user.customer_id
    promo.redeemed_at = datetime.now(timezone.utc)
    order.promo_code_id = promo.id
    db.session.commit()
    return jsonify(_serialize(order) | {"discount_cents": promo.discount_cents})


@orders_bp.get("/admin/search")
@login_required
def admin_search():
    if current_user.role != "admin":
        abort(403)
    term = (request.args.get("po") or "").strip()
    if len(term) < 3:
        return jsonify(error="search term must be at least 3 characters"), 400
    orders = (
        Order.query.filter(Order.po_number.ilike(f"%{term}%"))  # expect: DB006
        .order_by(Order.created_at.desc())
        .limit(50)
        .all()
    )
    return jsonify(orders=[_serialize(o) | {"customer_id": o.customer_id} for o in orders])


@orders_bp.delete("/<int:order_id>")
@login_required
def cancel(order_id: int):
    if not cancel_order(order_id, current_user.customer_id):
        return jsonify(error="order not found or can no longer be cancelled"), 409
    return "", 204
