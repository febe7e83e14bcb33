import logging
from datetime import datetime, timezone

from flask import Blueprint, g, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import text

from buyback.models import BuybackOrder, db
from buyback.staff_auth import staff_required

bp = Blueprint("orders", __name__, url_prefix="/orders")
log = logging.getLogger(__name__)


def _order_summary(order: BuybackOrder) -> dict:
    items = order.items
    return {
        "id": order.id,
        "status": order.status,
        "student_email": order.student.email,
        "tracking_number": order.tracking_number,
        "books": len(items),
        "offer_cents": sum(i.offer_cents for i in items),
        "created_at": order.created_at.isoformat(),
    }


@bp.get("/<int:order_id>")
@login_required
def order_detail(order_id: int):
    order = BuybackOrder.query.get_or_404(order_id)  # expect: SEC018
    return jsonify(
        **_order_summary(order),
        payout_method=order.payout_method,
        paypal_email=order.student.paypal_email,
        items=[
            {"isbn": i.isbn, "title": i.title, "claimed": i.claimed_condition,
             "graded": i.graded_condition, "offer_cents": i.offer_cents, "final_cents": i.final_cents}
            for i in order.items
        ],
    )


@bp.post("/<int:order_id>/cancel")
@login_required
def cancel_order(order_id: int):
    order = BuybackOrder.query.filter_by(id=order_id, student_id=current_user.id).first_or_404()  # ok: SEC018
    if order.status != "open":
        return jsonify(error="only orders that have not shipped can be cancelled"), 409
    order.status = "cancelled"
    db.session.commit()
    return jsonify(id=order.id, status=order.status)


@bp.post("/<int:order_id>/shipped")
@login_required
def mark_shipped(order_id: int):
    tracking = ((request.get_json(silent=True) or {}).get("tracking_number") or "").strip()
    if not tracking or len(tracking) > 40:
        return jsonify(error="tracking_number is required"), 400
    updated = BuybackOrder.query.filter_by(id=order_id, student_id=current_user.id, status="open").update(
        {"status": "in_transit", "tracking_number": tracking}
    )
    db.session.commit()
    if not updated:
        return jsonify(error="order not found or already shipped"), 404
    return jsonify(id=order_id, status="in_transit")


@bp.get("/intake")
@staff_required
def intake_queue():
    orders = BuybackOrder.query.filter_by(status="in_transit").order_by(BuybackOrder.created_at).all()  # expect: DB002
    summaries = []
    for order in orders:
        summaries.append(_order_summary(order))  # expect: DB001
    return jsonify(warehouse=g.staff.warehouse, orders=summaries)


@bp.post("/<int:order_id>/received")
@staff_required
def mark_received(order_id: int):
    order = db.get_or_404(BuybackOrder, order_id)
    order.status = "received"
    order.received_at = datetime.now(timezone.utc)
    db.session.commit()
    log.info("staff %s received order %s", g.staff.id, order.id)
    return jsonify(id=order.id, status=order.status)


@bp.get("/search")
@staff_required
def search_orders():
    q = request.args.get("q", "").strip()
    if len(q) < 3:
        return jsonify(error="search term must be at least 3 characters"), 400
    rows = db.session.execute(
        text(
            "SELECT o.id, o.status, oi.isbn, oi.title FROM buyback_orders o "
            "JOIN order_items oi ON oi.order_id = o.id "
            f"WHERE oi.title ILIKE '%{q}%' OR oi.isbn LIKE '%{q}%' "  # expect: SEC001, DB006
            "ORDER BY o.created_at DESC LIMIT 100"
        )
    ).mappings().all()
    return jsonify(results=[dict(r) for r in rows])

