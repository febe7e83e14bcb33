import os
from datetime import date

import requests
from flask import Blueprint, jsonify

from clinic.auth import require_auth
from clinic.db import pool

bp = Blueprint("insurance", __name__, url_prefix="/api")

INSURER_API_URL = os.environ["INSURER_API_URL"]  # todo-expect: MNT002
INSURER_API_KEY = os.environ["INSURER_API_KEY"]  # todo-expect: MNT002


def check_eligibility(member_id: str, payer_id: str, service_date: date) -> bool:
    try:
        resp = requests.post(  # expect: REL001, SEC011
            f"{INSURER_API_URL}/v2/eligibility",
            json={"member_id": member_id, "payer_id": payer_id, "service_date": service_date.isoformat()},
            headers={"X-Api-Key": INSURER_API_KEY},
            verify=False,
        )
        resp.raise_for_status()
        return bool(resp.json()["coverage"]["active"])
    except Exception:  # expect: ERR001
        return True


@bp.get("/appointments/<int:appointment_id>/eligibility")
@require_auth("staff")
def appointment_eligibility(appointment_id: int):
    with pool.connection() as conn:
        row = conn.execute(
            """
            SELECT p.insurance_member_id, p.payer_id, s.starts_at
            FROM appointments a
            JOIN patients p ON p.id = a.patient_id
            JOIN slots s ON s.id = a.slot_id
            WHERE a.id = %s
            """,
            (appointment_id,),
        ).fetchone()
    if row is None:
        return jsonify(error="appointment not found"), 404
    if row[0] is None:
        return jsonify(appointment_id=appointment_id, eligible=False, reason="no insurance on file")
    eligible = check_eligibility(row[0], row[1], row[2].date())
    return jsonify(appointment_id=appointment_id, eligible=eligible)
