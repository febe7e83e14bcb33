"""Counter staff search: find a ticket by number, customer or garment."""
import logging
import re

from flask import Blueprint, jsonify, request
from flask_login import login_required
from sqlalchemy import func, or_

from tailor.models import Order, Payment, db

bp = Blueprint("search", __name__, url_prefix="/orders")
log = logging.getLogger(__name__)

TICKET_RE = re.compile(r"^[A-Z]{2}\d{4,6}$")
STATUSES = {"received", "deposit_paid", "in_work", "ready", "collected", "cancelled"}


def _balance_due(order):
    paid = (
        db.session.query(func.coalesce(func.sum(Payment.amount_cents), 0))
        .filter(Payment.order_id == order.id, Payment.status == "succeeded")
        .scalar()
    )
    return int(order.quoted_total * 100) - paid


def _ticket_json(order):
    return {
        "id": order.id,
        "ticket": order.ticket_no,
        "customer": order.customer_name,
        "garment": order.garment,
        "status": order.status,
        "promised_for": order.promised_for.isoformat() if order.promised_for else None,
    }


@bp.get("/by-ticket/<ticket_no>")
@login_required
def by_ticket(ticket_no):
    ticket_no = ticket_no.strip().upper()
    if not TICKET_RE.match(ticket_no):
        return jsonify(error="not a ticket number"), 400
    order = Order.query.filter_by(ticket_no=ticket_no).first()  # ok: DB006
    if order is None:
        return jsonify(error="no such ticket"), 404
    data = _ticket_json(order)
    data["balance_due_cents"] = _balance_due(order)
    return jsonify(data)


@bp.get("/search")
@login_required
def search_orders():
    q = request.args.get("q", "").strip()
    status = request.args.get("status")
    if status and status not in STATUSES:
        return jsonify(error=f"unknown status {status!r}"), 400

    query = Order.query
    if q:
        query = query.filter(
            or_(Order.customer_name.ilike(f"%{q}%"), Order.garment.ilike(f"%{q}%"))  # expect: DB006
        )
    if status:
        query = query.filter(Order.status == status)
    orders = query.order_by(Order.created_at.desc()).all()  # expect: DB002

    results = []
    for order in orders:
        row = _ticket_json(order)
        row["balance_due_cents"] = _balance_due(order)  # expect: DB001
        results.append(row)
    log.info("order search q=%r status=%s returned %d rows", q, status, len(results))
    return jsonify(results=results, count=len(results))


@bp.get("/due")
@login_required
def due_this_week():
    """Orders promised in the next seven days, for the workroom board."""
    today = func.current_date()
    orders = (
        Order.query.filter(
            Order.promised_for.between(today, today + 7),
            Order.status.in_(("received", "deposit_paid", "in_work")),
        )
        .order_by(Order.promised_for, Order.id)
        .limit(200)
        .all()
    )
    return jsonify(results=[_ticket_json(o) for o in orders], count=len(orders))
