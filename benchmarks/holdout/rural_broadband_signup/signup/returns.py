"""Equipment returns: a prepaid courier label for a faulty or unwanted router."""
import logging

import requests
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required

from signup.db import connection

log = logging.getLogger(__name__)
bp = Blueprint("returns", __name__, url_prefix="/shipping")

REASONS = {"faulty", "cancelled", "upgrade", "other"}


@bp.post("/<int:shipment_id>/return")
@login_required
def request_return(shipment_id: int):
    reason = request.form.get("reason", "other")
    if reason not in REASONS:
        return jsonify(error=f"reason must be one of {sorted(REASONS)}"), 400

    with connection() as conn:
        shipment = conn.execute(  # ok: SEC018
            "SELECT s.id, s.kind, p.postcode FROM shipments s "
            "JOIN customers c ON c.id = s.customer_id JOIN premises p ON p.uprn = c.uprn "
            "WHERE s.id = %s AND s.customer_id = %s AND s.status = 'delivered'",
            (shipment_id, current_user.id),
        ).fetchone()
        if shipment is None:
            return jsonify(error="no delivered shipment with that id"), 404
        claim = conn.execute(  # ok: DB005
            "INSERT INTO equipment_returns (shipment_id, customer_id, reason, status) VALUES (%s, %s, %s, 'pending') "
            "ON CONFLICT (shipment_id) DO UPDATE SET status = 'pending' WHERE equipment_returns.status = 'label_failed' "
            "RETURNING id",
            (shipment_id, current_user.id, reason),
        ).fetchone()
        if claim is None:
            existing = conn.execute(
                "SELECT id, label_url, status FROM equipment_returns WHERE shipment_id = %s", (shipment_id,)
            ).fetchone()
            return jsonify(return_id=existing["id"], label_url=existing["label_url"], status=existing["status"])

    cfg = current_app.config
    try:
        resp = requests.post(  # ok: REL003
            f"{cfg['COURIER_API_URL']}/returns",
            json={"collect_postcode": shipment["postcode"], "reference": f"WM-RET-{claim['id']}", "kind": shipment["kind"]},
            headers={
                "Authorization": f"Bearer {cfg['COURIER_API_KEY']}",
                "Idempotency-Key": f"wildmoor-return-{claim['id']}",
            },
            timeout=(3, 15),
        )
        resp.raise_for_status()
        label_url = resp.json()["label_url"]
    except requests.RequestException:
        log.exception("return label failed for return %s (shipment %s)", claim["id"], shipment_id)
        with connection() as conn:
            conn.execute("UPDATE equipment_returns SET status = 'label_failed' WHERE id = %s", (claim["id"],))
        return jsonify(error="we couldn't create a returns label just now, please try again shortly"), 502

    with connection() as conn:
        conn.execute(
            "UPDATE equipment_returns SET status = 'label_issued', label_url = %s WHERE id = %s", (label_url, claim["id"])
        )
    log.info("return %s label issued for shipment %s (customer %s)", claim["id"], shipment_id, current_user.id)
    return jsonify(return_id=claim["id"], label_url=label_url, status="label_issued"), 201
