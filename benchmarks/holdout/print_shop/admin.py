"""Admin pages: order list, paper stock adjustments, refunds and order export."""
import csv
import io
import logging
from functools import wraps

import stripe
from flask import Blueprint, Response, abort, jsonify, render_template, request, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy import update
from sqlalchemy.orm import joinedload

from .app import db
from .models import Customer, Order, PaperStock

logger = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")

ORDER_STATUSES = {"pending_payment", "paid", "printing", "printed", "shipped", "refunded"}


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:  # ok: SEC017
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/orders")
@admin_required
def orders():
    page = request.args.get("page", 1, type=int)
    status = request.args.get("status")
    query = Order.query.options(joinedload(Order.customer)).order_by(Order.created_at.desc())
    if status in ORDER_STATUSES:
        query = query.filter(Order.status == status)
    pagination = query.paginate(page=page, per_page=50, max_per_page=100)  # ok: DB001, DB002
    return render_template("admin/orders.html", pagination=pagination, status=status)  # ok: SEC016


@bp.post("/stock/<sku>/adjust")
@admin_required
def adjust_stock(sku):
    delta = request.form.get("delta", type=int)
    if delta is None or abs(delta) > 1_000_000:
        abort(400)
    result = db.session.execute(  # ok: DB004
        update(PaperStock)
        .where(PaperStock.sku == sku, PaperStock.sheets_on_hand + delta >= 0)
        .values(sheets_on_hand=PaperStock.sheets_on_hand + delta)
    )
    if result.rowcount == 0:
        db.session.rollback()
        return jsonify({"error": "unknown paper or adjustment would go below zero"}), 409
    db.session.commit()
    logger.info("admin %s adjusted paper %s by %d sheets", current_user.id, sku, delta)
    return jsonify({"sku": sku, "delta": delta})


@bp.post("/orders/<int:order_id>/refund")
@admin_required
def refund(order_id):
    order = Order.query.filter_by(id=order_id).with_for_update().first_or_404()  # ok: DB004
    if order.status not in ("paid", "printing") or not (order.payment_ref or "").startswith("pi_"):
        db.session.rollback()
        return jsonify({"error": "only Stripe orders that are paid and not yet printed can be refunded"}), 409
    stripe.Refund.create(payment_intent=order.payment_ref, idempotency_key=f"order-{order.id}-refund")  # ok: REL003, REL004
    order.status = "refunded"
    db.session.commit()
    logger.info("admin %s refunded order %s", current_user.id, order.id)
    return jsonify({"order_id": order.id, "status": order.status})


@bp.get("/orders.csv")
@admin_required
def export_orders():
    rows = (  # ok: DB002, RES003
        db.session.query(Order.id, Order.created_at, Order.status, Order.amount_cents, Customer.email)
        .join(Customer, Customer.id == Order.customer_id)
        .order_by(Order.id)
        .execution_options(yield_per=1000)
    )

    def generate():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["order_id", "created_at", "status", "amount_eur", "customer_email"])
        for order_id, created_at, status, amount_cents, email in rows:
            writer.writerow([order_id, created_at.isoformat(), status, f"{amount_cents / 100:.2f}", email])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate(0)

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=orders.csv"})
