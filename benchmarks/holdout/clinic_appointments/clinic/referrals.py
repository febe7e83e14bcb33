import logging
import uuid

import requests
from flask import Blueprint, g, jsonify, request
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from clinic.auth import require_auth
from clinic.db import pool
from clinic.settings import settings

bp = Blueprint("referrals", __name__, url_prefix="/api")
logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)


def _referral_session() -> requests.Session:
    session = requests.Session()
    retry = Retry(  # ok: REL002
        total=3,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET", "PUT"}),
    )
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.verify = settings.referral_ca_bundle  # ok: SEC011
    return session


_http = _referral_session()


@bp.put("/appointments/<int:appointment_id>/referral")
@require_auth("staff")
def send_referral(appointment_id: int):
    body = request.get_json(silent=True) or {}
    specialty = str(body.get("specialty", "")).strip()
    if not specialty:
        return jsonify(error="specialty is required"), 400

    with pool.connection() as conn:
        row = conn.execute(
            "SELECT a.patient_id, r.referral_uuid FROM appointments a "
            "LEFT JOIN referrals r ON r.appointment_id = a.id WHERE a.id = %s",
            (appointment_id,),
        ).fetchone()
        if row is None:
            return jsonify(error="appointment not found"), 404
        referral_uuid = row[1] or uuid.uuid4()
        conn.execute(
            "INSERT INTO referrals (appointment_id, referral_uuid, specialty, created_by) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (appointment_id) DO UPDATE SET specialty = EXCLUDED.specialty",
            (appointment_id, referral_uuid, specialty, g.user_id),
        )

    try:
        resp = _http.put(  # ok: REL001, REL003
            f"{settings.referral_api_url}/referrals/{referral_uuid}",
            json={"patient_ref": str(row[0]), "specialty": specialty, "notes": str(body.get("notes") or "")[:2000]},
            headers={"Authorization": f"Bearer {settings.referral_api_token}"},
            timeout=TIMEOUT,
        )
        resp.raise_for_status()
    except requests.RequestException:
        logger.warning(
            "referral network unavailable appointment_id=%s referral=%s",
            appointment_id,
            referral_uuid,
            exc_info=True,
        )
        return jsonify(error="referral network unavailable, the referral is saved and can be re-sent"), 503

    logger.info("referral sent appointment_id=%s referral=%s staff_id=%s", appointment_id, referral_uuid, g.user_id)
    return jsonify(appointment_id=appointment_id, referral_id=str(referral_uuid), status="sent")
