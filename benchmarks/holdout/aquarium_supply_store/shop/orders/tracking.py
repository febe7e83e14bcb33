"""Order history and live carrier tracking for the mobile app."""
import logging

import httpx
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from shop.models import Order

bp = Blueprint("order_tracking", __name__, url_prefix="/api/orders")
log = logging.getLogger(__name__)

_carrier = httpx.Client(timeout=httpx.Timeout(5.0, connect=2.0))  # ok: RES001


def _summary(order):
    return {
        "order_id": order.id,
        "status": order.status,
        "total_cents": order.total_cents,
        "created_at": order.created_at.isoformat(),
        "items": sum(line.quantity for line in order.lines),
    }


@bp.get("")
@login_required
def list_orders():
    page = max(request.args.get("page", 1, type=int), 1)
    query = (
        Order.query.filter_by(customer_id=current_user.id)
        .options(selectinload(Order.lines))
        .order_by(Order.created_at.desc())
    )
    page_obj = query.paginate(page=page, per_page=20, error_out=False)  # ok: DB002
    items = [_summary(o) for o in page_obj.items]  # ok: DB001
    return jsonify(items=items, page=page, total=page_obj.total)


@bp.get("/<int:order_id>/tracking")
@login_required
def tracking(order_id):
    order = Order.query.filter_by(id=order_id, customer_id=current_user.id).first_or_404()  # ok: SEC018
    if not order.tracking_number:
        return jsonify(order_id=order.id, status=order.status, events=[])

    url = f"{current_app.config['CARRIER_API_URL']}/shipments/{order.tracking_number}/events"
    try:
        resp = _carrier.get(url)
        resp.raise_for_status()
        events = resp.json().get("events", [])[:50]
    except (httpx.HTTPError, ValueError):
        log.warning("carrier tracking unavailable order=%s", order.id, exc_info=True)
        return jsonify(order_id=order.id, status=order.status, events=[], tracking_unavailable=True)  # ok: ERR002

    return jsonify(
        order_id=order.id,
        status=order.status,
        events=[{"at": e.get("timestamp"), "where": e.get("location"), "what": e.get("description")} for e in events],
    )
