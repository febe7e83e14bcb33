"""Insurance pre-authorisation for hearing aid orders.

Most insurers want a pre-authorisation on file before the device is ordered;
the insurer decides within a few days and calls our webhook.
"""
import logging
from datetime import datetime, timezone

import requests
from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user, login_required

from clinic.models import DeviceOrder, Patient, PreAuthorization, db

bp = Blueprint("preauth", __name__, url_prefix="/staff/preauth")
logger = logging.getLogger(__name__)

PROCEDURE_CODES = {"left": ["V5256", "V5257"], "right": ["V5256", "V5257"], "both": ["V5261", "V5160"]}


def _insurer_token() -> str:
    cfg = current_app.config
    resp = requests.post(
        f"{cfg['INSURER_API_URL']}/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": cfg["INSURER_CLIENT_ID"],
            "client_secret": cfg["INSURER_CLIENT_SECRET"],
        },
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()["access_token"]


def submit_preauth(order: DeviceOrder, patient: Patient) -> dict:
    cfg = current_app.config
    headers = {
        "Authorization": f"Bearer {_insurer_token()}",
        "X-Provider-Id": cfg["INSURER_PROVIDER_ID"],
    }
    payload = {
        "memberNumber": patient.member_number,
        "memberDob": patient.date_of_birth.isoformat(),
        "procedureCodes": PROCEDURE_CODES[order.ear],
        "billedAmountCents": order.list_price_cents,
        "providerReference": order.reference,
    }
    logger.debug("pre-auth request for order %s headers=%s payload=%s", order.reference, headers, payload)  # expect: SEC007
    resp = requests.post(f"{cfg['INSURER_API_URL']}/v1/preauthorizations", json=payload, headers=headers)  # expect: REL001
    resp.raise_for_status()
    return resp.json()


@bp.post("/orders/<int:order_id>")
@login_required
def request_preauth(order_id: int):
    if not current_user.is_staff:
        abort(403)
    order = db.get_or_404(DeviceOrder, order_id)
    patient = db.session.get(Patient, order.patient_id)
    if not patient.insurer_code or not patient.member_number:
        return jsonify(error="patient has no insurance details on file"), 400

    preauth = PreAuthorization(device_order_id=order.id, status="submitting")
    db.session.add(preauth)
    db.session.commit()

    try:
        result = submit_preauth(order, patient)
    except requests.RequestException:
        logger.exception("pre-auth submission failed for order %s", order.reference)
        return jsonify(preauth_id=preauth.id, status="submitted"), 202  # expect: ERR002

    preauth.insurer_reference = result["reference"]
    preauth.status = result.get("status", "pending")
    preauth.submitted_at = datetime.now(timezone.utc)
    db.session.commit()
    logger.info("pre-auth %s submitted for order %s", preauth.insurer_reference, order.reference)
    return jsonify(preauth_id=preauth.id, status=preauth.status, insurer_reference=preauth.insurer_reference), 202
