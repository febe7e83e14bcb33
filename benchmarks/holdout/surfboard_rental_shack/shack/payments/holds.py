"""Card holds at the counter and the capture job that runs when a board comes back."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

import requests
from bson import ObjectId
from flask import Blueprint, current_app, g, jsonify, request

from shack.auth import staff_required
from shack.config import load_config
from shack.db import db_for, get_db
from shack.payments.gateway import GatewayError, PaymentGateway

logger = logging.getLogger(__name__)

bp = Blueprint("holds", __name__, url_prefix="/holds")

HOLD_AMOUNT_PENCE = 15000


@bp.post("/<rental_id>")
@staff_required("manager", "counter")
def place_hold(rental_id: str):
    card_token = (request.get_json(silent=True) or {}).get("card_token")
    if not card_token:
        return jsonify(error="card_token is required"), 400
    db = get_db()
    rental = db.rentals.find_one({"_id": ObjectId(rental_id), "status": "open"})
    if rental is None:
        return jsonify(error="no open rental with that id"), 404
    try:
        hold = PaymentGateway.from_config(current_app.config["SHACK"]).place_hold(
            amount_pence=HOLD_AMOUNT_PENCE, card_token=card_token, reference=rental_id
        )
    except GatewayError as exc:
        logger.warning("hold declined for rental %s: %s", rental_id, exc.code)
        return jsonify(error="card declined", code=exc.code), 402
    db.rentals.update_one({"_id": rental["_id"]}, {"$set": {"hold_id": hold.id, "hold_status": "held"}})
    logger.info("staff %s placed hold %s on rental %s", g.staff_id, hold.id, rental_id)
    return jsonify(hold_id=hold.id, card_last4=hold.card_last4), 201


def capture_rental_payment(rental_id: str, amount_pence: int) -> None:
    """RQ job: capture the final amount against the rental's hold."""
    cfg = load_config()
    db = db_for(cfg)
    rental = db.rentals.find_one({"_id": ObjectId(rental_id)})
    if rental is None or rental.get("captured"):
        return
    url = f"{cfg.payments_base_url}/v1/holds/{rental['hold_id']}/capture"
    headers = {"Authorization": f"Bearer {cfg.payments_api_key}"}
    for attempt in range(1, 5):
        try:
            response = requests.post(url, json={"amount": amount_pence}, headers=headers, timeout=15)  # expect: REL003
            response.raise_for_status()
            break
        except requests.RequestException as exc:
            logger.warning("capture for rental %s failed (attempt %d): %s", rental_id, attempt, exc)
            time.sleep(2 ** attempt)
    else:
        db.rentals.update_one({"_id": rental["_id"]}, {"$set": {"status": "capture_failed"}})
        return

    now = datetime.now(timezone.utc)
    db.rentals.update_one(
        {"_id": rental["_id"]},
        {"$set": {"status": "closed", "captured": True, "capture_id": response.json()["id"]}},
    )
    db.payments.insert_one(
        {"rental_id": rental["_id"], "amount_pence": amount_pence, "method": "card", "taken_at": now}
    )
    logger.info("captured %sp for rental %s", amount_pence, rental_id)


@bp.post("/<rental_id>/release")
@staff_required("manager", "counter")
def release_hold(rental_id: str):
    db = get_db()
    rental = db.rentals.find_one({"_id": ObjectId(rental_id)}, {"hold_id": 1, "hold_status": 1})
    if rental is None or not rental.get("hold_id"):
        return jsonify(error="no hold on that rental"), 404
    try:
        PaymentGateway.from_config(current_app.config["SHACK"]).release(rental["hold_id"], reference=rental_id)
        db.rentals.update_one({"_id": rental["_id"]}, {"$set": {"hold_status": "released", "status": "cancelled"}})
    except Exception:
        logger.exception("could not release hold on rental %s", rental_id)
        return jsonify(status="released"), 200  # expect: ERR002
    logger.info("staff %s released hold on rental %s", g.staff_id, rental_id)
    return jsonify(status="released")
