"""Hearing aid orders placed with the manufacturer's dealer API."""
import logging
import uuid

import requests
from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from tenacity import before_sleep_log, retry, retry_if_exception_type, wait_exponential

from clinic.models import DeviceOrder, Patient, db

bp = Blueprint("device_orders", __name__, url_prefix="/staff/orders")
logger = logging.getLogger(__name__)

CATALOGUE = {
    "AUR-R90": 289000,
    "AUR-R70": 229000,
    "LUM-ITC": 199000,
    "LUM-CIC": 219000,
}
EARS = {"left", "right", "both"}

_http = requests.Session()


class ManufacturerUnavailable(Exception):
    pass


class ManufacturerRejected(Exception):
    pass


@retry(  # expect: REL002
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout, ManufacturerUnavailable)),
    wait=wait_exponential(multiplier=1, min=2, max=60),
    before_sleep=before_sleep_log(logger, logging.WARNING),
    reraise=True,
)
def submit_order(order: DeviceOrder, patient: Patient) -> str:
    cfg = current_app.config
    payload = {
        "dealerId": cfg["MANUFACTURER_DEALER_ID"],
        "model": order.model_code,
        "ear": order.ear,
        "colour": order.colour,
        "quantity": 2 if order.ear == "both" else 1,
        "patientInitials": f"{patient.first_name[:1]}{patient.last_name[:1]}",
        "shipTo": "clinic",
    }
    resp = _http.post(  # expect: REL003
        f"{cfg['MANUFACTURER_API_URL']}/v2/orders",
        json=payload,
        headers={"Authorization": f"Bearer {cfg['MANUFACTURER_API_KEY']}"},
        timeout=(5, 30),
    )
    if resp.status_code >= 500:
        raise ManufacturerUnavailable(f"manufacturer returned {resp.status_code}")
    if resp.status_code >= 400:
        raise ManufacturerRejected(resp.json().get("message", resp.text[:200]))
    return resp.json()["orderId"]


@bp.post("/")
@login_required
def create_order():
    if not current_user.is_staff:
        abort(403)
    data = request.get_json(silent=True) or {}
    patient = db.get_or_404(Patient, data.get("patient_id"))
    model_code, ear, colour = data.get("model_code"), data.get("ear"), str(data.get("colour", "beige"))[:30]
    if model_code not in CATALOGUE or ear not in EARS:
        return jsonify(error="unknown model or ear"), 400

    order = DeviceOrder(
        reference=f"HC-{uuid.uuid4().hex[:10].upper()}",
        patient_id=patient.id,
        audiologist_id=current_user.id,
        model_code=model_code,
        ear=ear,
        colour=colour,
        list_price_cents=CATALOGUE[model_code] * (2 if ear == "both" else 1),
        status="submitting",
    )
    db.session.add(order)
    db.session.commit()

    try:
        order.manufacturer_order_id = submit_order(order, patient)
        order.status = "submitted"
    except ManufacturerRejected as exc:
        order.status = "rejected"
        db.session.commit()
        return jsonify(error=f"manufacturer rejected the order: {exc}", reference=order.reference), 422
    except (requests.RequestException, ManufacturerUnavailable):
        logger.exception("order %s could not be submitted", order.reference)
        order.status = "failed"
        db.session.commit()
        return jsonify(error="manufacturer unavailable", reference=order.reference), 502
    db.session.commit()
    logger.info("order %s submitted as %s", order.reference, order.manufacturer_order_id)
    return jsonify(reference=order.reference, manufacturer_order_id=order.manufacturer_order_id), 201
