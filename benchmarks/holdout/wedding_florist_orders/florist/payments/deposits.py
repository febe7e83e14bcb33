"""Deposits taken by the studio over the phone or at a consultation."""

from __future__ import annotations

import logging

import psycopg
import requests
from flask import Blueprint, abort, current_app, jsonify, request

from florist.auth import staff_required
from florist.db import fetch_one, transaction

logger = logging.getLogger(__name__)
bp = Blueprint("deposits", __name__, url_prefix="/deposits")


class PaymentDeclined(Exception):
    pass


class CardGateway:
    def __init__(self, base_url: str, token: str) -> None:
        self._base = base_url.rstrip("/")
        self._token = token

    @classmethod
    def from_config(cls, config) -> "CardGateway":
        return cls(config["PAYMENT_API_URL"], config["PAYMENT_API_TOKEN"])

    def charge(self, amount_pence: int, card_token: str, reference: str, idempotency_key: str) -> dict:
        resp = requests.post(
            f"{self._base}/payments",
            json={"amount": amount_pence, "currency": "GBP", "source": card_token, "reference": reference},
            headers={"Authorization": f"Bearer {self._token}", "Idempotency-Key": idempotency_key},  # ok: REL003
            timeout=(3.05, 20),
        )
        if resp.status_code == 402:
            raise PaymentDeclined(resp.json().get("decline_reason", "declined"))
        resp.raise_for_status()
        return resp.json()


@bp.post("/orders/<int:order_id>")
@staff_required
def take_deposit(order_id: int):
    payload = request.get_json(silent=True) or {}
    logger.info("deposit for order %s: %s", order_id, payload)  # expect: SEC007
    try:
        amount = int(payload["amount_pence"])
        card_token = str(payload["card_token"])
        attempt_id = str(payload["attempt_id"])
    except (KeyError, TypeError, ValueError):
        abort(400, description="amount_pence, card_token and attempt_id are required")

    order = fetch_one(
        "SELECT id, total_pence, deposit_paid_pence, status FROM flower_order WHERE id = %s", (order_id,)
    )
    if order is None:
        abort(404, description="order not found")
    if amount <= 0 or amount > order["total_pence"] - order["deposit_paid_pence"]:  # todo-expect: DB005
        abort(400, description="deposit must be positive and no more than the balance")

    gateway = CardGateway.from_config(current_app.config)
    try:
        charge = gateway.charge(amount, card_token, f"order-{order_id}", f"deposit-{order_id}-{attempt_id}")  # expect: REL004
    except PaymentDeclined as exc:
        abort(402, description=f"card declined: {exc}")

    try:
        with transaction() as conn:
            conn.execute(
                "INSERT INTO payment (order_id, kind, amount_pence, gateway_ref) VALUES (%s, 'deposit', %s, %s)",
                (order_id, amount, charge["id"]),
            )
            conn.execute(
                "UPDATE flower_order SET deposit_paid_pence = deposit_paid_pence + %s WHERE id = %s",  # ok: DB004
                (amount, order_id),
            )
    except psycopg.Error:
        logger.exception("deposit %s charged but not recorded for order %s", charge["id"], order_id)
        return jsonify(status="paid", payment_ref=charge["id"]), 201  # expect: ERR002
    return jsonify(status="paid", payment_ref=charge["id"]), 201
