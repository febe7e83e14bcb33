import hashlib
import hmac
import logging
import os

import psycopg2
import requests
from flask import Blueprint, abort, g, jsonify, request
from tenacity import retry, retry_if_exception_type, wait_fixed

from crm.auth import login_required
from crm.db import get_cursor

bp = Blueprint("quotes", __name__)
logger = logging.getLogger(__name__)

FINANCING_API_URL = os.environ.get("FINANCING_API_URL", "https://api.sunlend.example/partner")
FINANCING_API_KEY = os.environ.get("FINANCING_API_KEY", "")
FINANCING_WEBHOOK_SECRET = os.environ.get("FINANCING_WEBHOOK_SECRET", "").encode()


@retry(wait=wait_fixed(3), retry=retry_if_exception_type(requests.RequestException))  # expect: REL002
def _submit_application(payload: dict) -> dict:
    resp = requests.post(  # expect: REL003
        f"{FINANCING_API_URL}/v2/applications",
        json=payload,
        headers={"X-Api-Key": FINANCING_API_KEY},
        timeout=(3, 20),
    )
    resp.raise_for_status()
    return resp.json()


@bp.post("/quotes/<int:quote_id>/financing")
@login_required
def apply_for_financing(quote_id: int):
    term_months = request.form.get("term_months", 240, type=int)
    with get_cursor() as cur:
        cur.execute(
            "SELECT q.total_cents, q.system_kwp, l.name, l.email, l.address, q.financing_app_id"
            " FROM quotes q JOIN leads l ON l.id = q.lead_id WHERE q.id = %s AND q.rep_id = %s",
            (quote_id, g.rep_id),
        )
        row = cur.fetchone()
    if row is None:
        abort(404)
    if row[5]:
        return jsonify(error="financing already requested", application_id=row[5]), 409

    application = _submit_application(  # todo-expect: DB005
        {
            "amount_cents": row[0],
            "system_kwp": float(row[1]),
            "term_months": term_months,
            "applicant": {"name": row[2], "email": row[3], "address": row[4]},
            "partner_reference": f"quote-{quote_id}",
        }
    )
    with get_cursor() as cur:
        cur.execute(  # expect: REL004
            "UPDATE quotes SET financing_app_id = %s, financing_status = %s WHERE id = %s",
            (application["id"], application["status"], quote_id),
        )
    logger.info("quote %s: financing application %s submitted", quote_id, application["id"])
    return jsonify(quote_id=quote_id, application_id=application["id"], status=application["status"]), 201


def _valid_signature(body: bytes, signature: str) -> bool:
    expected = hmac.new(FINANCING_WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature or "")


@bp.post("/webhooks/financing")
def financing_webhook():
    body = request.get_data(cache=True)
    if not _valid_signature(body, request.headers.get("X-Signature", "")):
        abort(401)
    event = request.get_json()
    try:
        with get_cursor() as cur:
            cur.execute(
                "UPDATE quotes SET financing_status = %s, financing_updated_at = now()"
                " WHERE financing_app_id = %s",
                (event["status"], event["application_id"]),
            )
    except psycopg2.Error:
        logger.exception("could not apply financing event %s", event.get("event_id"))
        return jsonify(received=True), 200  # expect: ERR002
    return jsonify(received=True), 200
