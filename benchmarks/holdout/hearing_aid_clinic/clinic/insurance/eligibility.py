"""Front-desk eligibility check: is this member covered for hearing aids today?

Answers are cached for 15 minutes per member, because the front desk tends to
ask several times while a patient is at the counter. If the insurer is down we
say so plainly rather than guessing.
"""
import logging
import threading
from datetime import date

import requests
from cachetools import TTLCache
from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user, login_required

from clinic.models import Patient, db

bp = Blueprint("eligibility", __name__, url_prefix="/staff/eligibility")
logger = logging.getLogger(__name__)

_cache: TTLCache = TTLCache(maxsize=2048, ttl=15 * 60)  # ok: RES002
_cache_lock = threading.Lock()
_http = requests.Session()


class InsurerUnavailable(Exception):
    pass


def check_eligibility(insurer_code: str, member_number: str, dob: date) -> dict:
    key = (insurer_code, member_number, dob.isoformat())
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached

    cfg = current_app.config
    try:
        resp = _http.get(
            f"{cfg['INSURER_API_URL']}/v1/eligibility",
            params={"payer": insurer_code, "member": member_number, "dob": dob.isoformat(), "benefit": "hearing"},
            headers={"X-Api-Key": cfg["ELIGIBILITY_API_KEY"], "X-Provider-Id": cfg["INSURER_PROVIDER_ID"]},
            timeout=(3, 10),
        )
        resp.raise_for_status()
        body = resp.json()
    except (requests.RequestException, ValueError) as exc:
        raise InsurerUnavailable(str(exc)) from exc

    result = {
        "eligible": bool(body.get("eligible")),
        "plan": body.get("planName"),
        "allowance_cents": body.get("hearingAidAllowanceCents"),
        "next_eligible_on": body.get("nextEligibleDate"),
    }
    with _cache_lock:
        _cache[key] = result  # ok: CON002
    return result


@bp.get("/<int:patient_id>")
@login_required
def eligibility(patient_id: int):
    if not current_user.is_staff:
        abort(403)
    patient = db.get_or_404(Patient, patient_id)
    if not patient.insurer_code or not patient.member_number:
        return jsonify(error="no insurance details on file"), 400
    try:
        result = check_eligibility(patient.insurer_code, patient.member_number, patient.date_of_birth)
    except InsurerUnavailable:
        logger.warning("eligibility check failed for patient %s", patient.id, exc_info=True)
        return jsonify(error="insurer is not responding, check again shortly or call the payer"), 503
    return jsonify(patient_id=patient.id, **result)
