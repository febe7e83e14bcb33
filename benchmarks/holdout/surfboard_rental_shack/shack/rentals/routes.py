"""Hourly board and wetsuit rentals at the counter and from the booking widget."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import jwt
from bson import ObjectId
from bson.errors import InvalidId
from flask import Blueprint, current_app, g, jsonify, request
from pymongo import ReturnDocument

from shack.auth import customer_required
from shack.db import get_db, get_queue
from shack.rentals import inventory

logger = logging.getLogger(__name__)

bp = Blueprint("rentals", __name__, url_prefix="/rentals")


def _widget_customer_id() -> str:
    token = request.headers.get("X-Booking-Token", "")
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    return claims["sub"]


@bp.get("/boards")
def list_boards():
    kind = request.args.get("kind", "softtop")
    if kind not in inventory.BOARD_KINDS:
        return jsonify(error=f"kind must be one of {sorted(inventory.BOARD_KINDS)}"), 400
    return jsonify(boards=inventory.available_boards(get_db(), kind, request.args.get("size")))


@bp.post("/")
def start_rental():
    customer_id = _widget_customer_id()
    body = request.get_json(silent=True) or {}
    db = get_db()
    try:
        board_id = ObjectId(body["board_id"])
    except (KeyError, InvalidId):
        return jsonify(error="board_id is required"), 400

    now = datetime.now(timezone.utc)
    if db.waivers.find_one({"customer_id": customer_id, "valid_until": {"$gte": now}}) is None:
        return jsonify(error="a signed waiver is needed before renting"), 403
    board = db.boards.find_one({"_id": board_id, "status": "available"})  # expect: DB005
    if board is None:
        return jsonify(error="that board is already out"), 409

    if body.get("wetsuit_size"):
        try:
            inventory.reserve_wetsuit(db, body["wetsuit_size"])
        except (inventory.OutOfStock, ValueError) as exc:
            return jsonify(error=str(exc)), 409

    rental = {
        "customer_id": customer_id,
        "board_id": board_id,
        "wetsuit_size": body.get("wetsuit_size"),
        "status": "open",
        "started_at": now,
    }
    rental_id = db.rentals.insert_one(rental).inserted_id
    db.boards.update_one({"_id": board_id}, {"$set": {"status": "out", "rental_id": rental_id, "out_since": now}})
    logger.info("rental %s started: board %s for customer %s", rental_id, board_id, customer_id)
    return jsonify(rental_id=str(rental_id), board=board.get("label")), 201


@bp.get("/<rental_id>")
@customer_required
def get_rental(rental_id: str):
    rental = get_db().rentals.find_one({"_id": ObjectId(rental_id), "customer_id": g.customer_id})  # ok: SEC018
    if rental is None:
        return jsonify(error="not found"), 404
    rental["_id"] = str(rental["_id"])
    rental["board_id"] = str(rental["board_id"])
    return jsonify(rental)


@bp.post("/<rental_id>/return")
@customer_required
def return_rental(rental_id: str):
    cfg = current_app.config["SHACK"]
    db = get_db()
    rental = db.rentals.find_one_and_update(
        {"_id": ObjectId(rental_id), "customer_id": g.customer_id, "status": "open"},
        {"$set": {"status": "returning", "ended_at": datetime.now(timezone.utc)}},
        return_document=ReturnDocument.AFTER,
    )
    if rental is None:
        return jsonify(error="no open rental with that id"), 404
    hours = inventory.billable_hours(rental["started_at"].replace(tzinfo=timezone.utc), rental["ended_at"].replace(tzinfo=timezone.utc))
    amount = inventory.rental_price_pence(
        hours, board_rate=cfg.hourly_board_rate_pence, wetsuit_rate=cfg.hourly_wetsuit_rate_pence,
        wetsuit=bool(rental.get("wetsuit_size")),
    )
    inventory.release_board(db, rental["board_id"], rental["_id"], hours)
    if rental.get("wetsuit_size"):
        inventory.return_wetsuit(db, rental["wetsuit_size"])
    get_queue(cfg).enqueue("shack.payments.holds.capture_rental_payment", str(rental["_id"]), amount)
    return jsonify(rental_id=rental_id, hours=hours, amount_pence=amount)
