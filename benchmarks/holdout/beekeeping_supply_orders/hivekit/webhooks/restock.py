"""Restock notifications from the woodenware supplier.

The supplier POSTs one delivery at a time once their truck has been unloaded
at our warehouse; each line says how many units of a SKU arrived.
"""
import logging

from flask import Blueprint, jsonify, request

from ..auth import supplier_signature_ok
from ..db import transaction

log = logging.getLogger(__name__)
restock_bp = Blueprint("restock", __name__, url_prefix="/webhooks/supplier")


def _apply_line(conn, delivery_id: str, line: dict) -> bool:
    kit = conn.execute("SELECT id, stock FROM hive_kits WHERE sku = %s", (line["sku"],)).fetchone()
    if kit is None:
        log.warning("delivery %s: unknown sku %s, line skipped", delivery_id, line["sku"])
        return False
    received = int(line["quantity"])
    if received <= 0:
        log.warning("delivery %s: non-positive quantity for %s", delivery_id, line["sku"])
        return False
    conn.execute("UPDATE hive_kits SET stock = %s, restocked_at = now() WHERE id = %s", (kit["stock"] + received, kit["id"]))  # expect: DB004
    conn.execute(
        "INSERT INTO stock_movements (kit_id, delta, reason, reference) "
        "VALUES (%s, %s, 'supplier_delivery', %s)",
        (kit["id"], received, delivery_id),
    )
    return True


@restock_bp.post("/restock")
def supplier_restock():
    body = request.get_data()
    log.info("supplier webhook %s headers=%s", request.path, dict(request.headers))  # expect: SEC007
    if not supplier_signature_ok(body, request.headers.get("X-Supplier-Signature", "")):
        log.warning("supplier webhook rejected: bad signature")
        return jsonify(error={"code": "bad_signature", "message": "signature mismatch"}), 401

    payload = request.get_json(force=True, silent=True) or {}
    delivery_id = payload.get("delivery_id")
    lines = payload.get("lines") or []
    if not delivery_id or not lines:
        return jsonify(error={"code": "bad_request", "message": "delivery_id and lines are required"}), 400

    try:
        with transaction() as conn:
            first_time = conn.execute(
                "INSERT INTO supplier_deliveries (delivery_id, received_at) VALUES (%s, now()) "
                "ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id",  # ok: DB005
                (delivery_id,),
            ).fetchone()
            if first_time is None:
                log.info("delivery %s already applied", delivery_id)
                return jsonify(status="duplicate"), 200
            applied = sum(_apply_line(conn, delivery_id, line) for line in lines)
            conn.execute(
                "UPDATE supplier_deliveries SET line_count = %s WHERE delivery_id = %s",
                (applied, delivery_id),
            )
    except Exception:
        log.exception("restock delivery %s failed", delivery_id)
        return jsonify(status="received"), 200  # expect: ERR002

    log.info("restock delivery %s applied %d of %d lines", delivery_id, applied, len(lines))
    return jsonify(status="applied", lines=applied), 200
