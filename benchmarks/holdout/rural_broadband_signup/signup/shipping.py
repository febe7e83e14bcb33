"""Router and ONT shipping: the customer confirms delivery details, we book the courier."""
import logging

import requests
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required

from signup.db import connection

log = logging.getLogger(__name__)
bp = Blueprint("shipping", __name__, url_prefix="/shipping")

EQUIPMENT = {
    "router": {"sku": "WM-AX3000", "weight_g": 900},
    "ont": {"sku": "WM-ONT-G2", "weight_g": 450},
}


def _book_courier(cfg, customer: dict, kind: str) -> dict:
    item = EQUIPMENT[kind]
    resp = requests.post(  # expect: REL003
        f"{cfg['COURIER_API_URL']}/consignments",
        json={
            "service": "next-day",
            "recipient": {
                "name": customer["name"],
                "phone": customer["phone"],
                "address": customer["address_line"],
                "postcode": customer["postcode"],
            },
            "parcels": [{"sku": item["sku"], "weight_g": item["weight_g"]}],
            "safe_place": customer.get("safe_place") or "",
        },
        headers={"Authorization": f"Bearer {cfg['COURIER_API_KEY']}"},
        timeout=15,
    )
    resp.raise_for_status()
    return resp.json()


@bp.post("/equipment")
@login_required
def ship_equipment():
    kind = request.form.get("kind", "router")
    if kind not in EQUIPMENT:
        return jsonify({"ok": False, "msg": "unknown equipment type"}), 200  # todo-expect: MNT001

    with connection() as conn:
        already = conn.execute(
            "SELECT id, courier_ref FROM shipments WHERE customer_id = %s AND kind = %s AND status <> 'cancelled'",
            (current_user.id, kind),
        ).fetchone()
        if already:
            return jsonify(shipment_id=already["id"], tracking=already["courier_ref"])
        customer = conn.execute(
            "SELECT c.name, c.phone, c.safe_place, p.address_line, p.postcode "
            "FROM customers c JOIN premises p ON p.uprn = c.uprn WHERE c.id = %s",
            (current_user.id,),
        ).fetchone()

    try:
        consignment = _book_courier(current_app.config, customer, kind)
    except requests.RequestException:
        log.exception("courier booking failed for customer %s (%s)", current_user.id, kind)
        return jsonify(status="shipped", tracking=None), 201  # expect: ERR002

    with connection() as conn:
        shipment = conn.execute(  # expect: DB005
            "INSERT INTO shipments (customer_id, kind, courier_ref, status) VALUES (%s, %s, %s, 'booked') RETURNING id",
            (current_user.id, kind, consignment["tracking_number"]),
        ).fetchone()
    log.info("shipment %s booked for customer %s: %s", shipment["id"], current_user.id, consignment["tracking_number"])
    return jsonify(shipment_id=shipment["id"], tracking=consignment["tracking_number"]), 201


@bp.get("/mine")
@login_required
def my_shipments():
    with connection() as conn:
        rows = conn.execute(
            "SELECT id, kind, courier_ref, status, created_at FROM shipments WHERE customer_id = %s ORDER BY created_at DESC LIMIT 20",
            (current_user.id,),
        ).fetchall()
    return jsonify(shipments=[{**row, "created_at": row["created_at"].isoformat()} for row in rows])
