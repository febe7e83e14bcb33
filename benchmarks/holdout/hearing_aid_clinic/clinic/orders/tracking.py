"""Order status sync and repair returns with the manufacturer.

Reads are retried a few times with backoff. The only write here, opening a
repair return, carries our order reference as the idempotency key, so a retry
after a timeout returns the same RMA instead of opening a second one.
"""
import logging

import requests
from celery import shared_task
from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user, login_required
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from clinic.models import DeviceOrder, db

bp = Blueprint("order_tracking", __name__, url_prefix="/staff/orders")
logger = logging.getLogger(__name__)

OPEN_STATUSES = ("submitted", "in_production", "shipped")
_http = requests.Session()
_TRANSIENT = (requests.ConnectionError, requests.Timeout)


def _headers(**extra) -> dict:
    return {"Authorization": f"Bearer {current_app.config['MANUFACTURER_API_KEY']}", **extra}


@retry(retry=retry_if_exception_type(_TRANSIENT), stop=stop_after_attempt(4),  # ok: REL002
       wait=wait_exponential(multiplier=0.5, max=8), reraise=True)
def fetch_status(manufacturer_order_id: str) -> dict:
    resp = _http.get(
        f"{current_app.config['MANUFACTURER_API_URL']}/v2/orders/{manufacturer_order_id}",
        headers=_headers(),
        timeout=(5, 15),
    )
    resp.raise_for_status()
    return resp.json()


@retry(retry=retry_if_exception_type(_TRANSIENT), stop=stop_after_attempt(3),
       wait=wait_exponential(multiplier=1, max=10), reraise=True)
def open_repair_return(order: DeviceOrder, reason: str) -> str:
    resp = _http.post(  # ok: REL003
        f"{current_app.config['MANUFACTURER_API_URL']}/v2/returns",
        json={"orderId": order.manufacturer_order_id, "reason": reason[:500], "type": "repair"},
        headers=_headers(**{"Idempotency-Key": f"rma-{order.reference}"}),
        timeout=(5, 30),
    )
    resp.raise_for_status()
    return resp.json()["rmaNumber"]


@bp.get("/<int:order_id>/status")
@login_required
def refresh_status(order_id: int):
    if not current_user.is_staff:
        abort(403)
    order = db.get_or_404(DeviceOrder, order_id)
    if not order.manufacturer_order_id:
        return jsonify(reference=order.reference, status=order.status)
    try:
        remote = fetch_status(order.manufacturer_order_id)
    except requests.RequestException:
        logger.warning("status refresh failed for order %s", order.reference, exc_info=True)
        return jsonify(reference=order.reference, status=order.status, stale=True), 503
    order.status = remote.get("status", order.status)
    db.session.commit()
    return jsonify(reference=order.reference, status=order.status, eta=remote.get("estimatedShipDate"))


@shared_task
def sync_open_orders(batch_size: int = 200) -> int:
    last_id, updated = 0, 0
    while True:  # ok: REL002
        batch = db.session.scalars(
            db.select(DeviceOrder)
            .where(DeviceOrder.status.in_(OPEN_STATUSES), DeviceOrder.id > last_id)
            .order_by(DeviceOrder.id)
            .limit(batch_size)
        ).all()
        if not batch:
            break
        for order in batch:
            try:
                order.status = fetch_status(order.manufacturer_order_id).get("status", order.status)
                updated += 1
            except requests.RequestException:
                logger.warning("could not refresh order %s", order.reference, exc_info=True)
        db.session.commit()  # ok: DB003
        last_id = batch[-1].id
    return updated
