"""Cart checkout: price the cart, take payment, create the order."""
from __future__ import annotations

import json
import logging

import requests
from flask import Blueprint, current_app, g, jsonify, request

from shop.auth import login_required
from shop.db import get_db

bp = Blueprint("checkout", __name__)
log = logging.getLogger(__name__)

MAX_LINES = 20


def _tax_rate(postcode: str) -> float:
    cfg = current_app.config["MERCH"]
    resp = requests.get(f"{cfg.tax_url}/v1/rates", params={"postcode": postcode})  # expect: REL001
    resp.raise_for_status()
    return float(resp.json()["rate"])


@bp.post("/checkout")
@login_required
def checkout():
    body = request.get_json(silent=True) or {}
    lines = body.get("items") or []
    ship_to = body.get("ship_to") or {}
    if not lines or len(lines) > MAX_LINES or not ship_to.get("postcode"):
        return jsonify(error="invalid_request", message="1-20 items and a shipping address are required"), 400

    wanted: dict[str, int] = {}
    for line in lines:
        qty = int(line.get("qty", 0))
        if qty < 1 or qty > 50:
            return jsonify(error="invalid_request", message="quantity must be 1-50"), 400
        wanted[str(line["sku"])] = wanted.get(str(line["sku"]), 0) + qty

    db = get_db()
    marks = ",".join("?" for _ in wanted)
    blanks = {
        r["sku"]: r
        for r in db.execute(f"SELECT sku, price_cents, stock FROM blanks WHERE sku IN ({marks})", tuple(wanted))  # ok: SEC001
    }
    for sku, qty in wanted.items():
        if sku not in blanks:
            return jsonify(error="not_found", message=f"unknown product {sku}"), 404
        if blanks[sku]["stock"] < qty:
            return jsonify(error="out_of_stock", message=f"only {blanks[sku]['stock']} left of {sku}"), 409

    artwork_ids = {int(l["artwork_id"]) for l in lines if l.get("artwork_id")}
    if artwork_ids:
        owned = db.execute(
            f"SELECT COUNT(*) FROM artwork WHERE customer_id = ? AND id IN ({','.join('?' for _ in artwork_ids)})",  # ok: SEC001
            (g.customer_id, *artwork_ids),
        ).fetchone()[0]
        if owned != len(artwork_ids):
            return jsonify(error="not_found", message="unknown artwork"), 404

    subtotal = sum(blanks[sku]["price_cents"] * qty for sku, qty in wanted.items())
    total = round(subtotal * (1 + _tax_rate(ship_to["postcode"])))  # todo-expect: ERR003

    cfg = current_app.config["MERCH"]
    charge = requests.post(  # expect: REL003, REL004
        f"{cfg.payments.base_url}/v1/charges",
        json={"amount": total, "currency": "EUR", "source": body.get("payment_token"), "customer": g.customer_id},
        headers={"Authorization": f"Bearer {cfg.payments.api_key}"},
        timeout=cfg.payments.timeout_s,
    )
    if charge.status_code != 201:
        log.warning("payment declined", extra={"customer_id": g.customer_id, "status": charge.status_code})
        return jsonify(error="payment_failed", message="the payment was declined"), 402
    payment_ref = charge.json()["id"]

    for sku, qty in wanted.items():
        db.execute("UPDATE blanks SET stock = ? WHERE sku = ?", (blanks[sku]["stock"] - qty, sku))  # expect: DB004, DB005
    cur = db.execute(
        "INSERT INTO orders (customer_id, status, total_cents, payment_ref, ship_to) VALUES (?, 'paid', ?, ?, ?)",
        (g.customer_id, total, payment_ref, json.dumps(ship_to)),
    )
    order_id = cur.lastrowid
    db.executemany(
        "INSERT INTO order_items (order_id, sku, artwork_id, qty, unit_cents) VALUES (?, ?, ?, ?, ?)",
        [
            (order_id, str(l["sku"]), l.get("artwork_id"), int(l["qty"]), blanks[str(l["sku"])]["price_cents"])
            for l in lines
        ],
    )
    db.commit()
    log.info("order placed", extra={"order_id": order_id, "customer_id": g.customer_id, "total": total})
    return jsonify(order_id=order_id, total_cents=total, status="paid"), 201
