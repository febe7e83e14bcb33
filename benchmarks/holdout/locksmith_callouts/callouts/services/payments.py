"""Charging the call-out fee to the customer's card on file via PartnerPay."""
import logging
import os
import time

import requests
from flask import Blueprint, current_app, g, jsonify, request

from ..auth import require_customer
from ..models import Callout, Invoice, Payment, db

logger = logging.getLogger(__name__)
bp = Blueprint("payments", __name__, url_prefix="/api/callouts")

PARTNER_URL = os.environ["PARTNER_PAY_BASE_URL"]  # expect: MNT002
MAX_ATTEMPTS = 3


class PaymentError(Exception):
    """Raised when PartnerPay refuses or cannot take the charge."""


def charge_callout_fee(callout: Callout, card_token: str) -> Payment:
    payload = {
        "amount": callout.fee_cents,
        "currency": "gbp",
        "source": card_token,
        "description": f"Emergency call-out #{callout.id}",
        "metadata": {"callout_id": callout.id},
    }
    headers = {"Authorization": f"Bearer {current_app.config['PARTNER_PAY_API_KEY']}"}

    last_error: Exception | None = None
    for attempt in range(MAX_ATTEMPTS):
        try:
            resp = requests.post(f"{PARTNER_URL}/charges", json=payload, headers=headers)  # expect: REL001, REL003
        except requests.ConnectionError as exc:
            last_error = exc
            time.sleep(2 ** attempt)
            continue
        if resp.status_code >= 500:
            last_error = PaymentError(f"partner returned {resp.status_code}")
            time.sleep(2 ** attempt)
            continue
        if resp.status_code == 402:
            raise PaymentError(resp.json().get("decline_reason", "card declined"))
        resp.raise_for_status()
        break
    else:
        raise PaymentError(f"charge failed after {MAX_ATTEMPTS} attempts") from last_error

    body = resp.json()
    payment = Payment(
        callout_id=callout.id,
        amount_cents=body["amount"],
        partner_charge_id=body["id"],
        status=body["status"],
    )
    db.session.add(payment)
    return payment


@bp.post("/<int:callout_id>/pay")
@require_customer
def pay_for_callout(callout_id: int):
    callout = db.session.execute(
        db.select(Callout).filter_by(id=callout_id, customer_id=g.identity_id)
    ).scalar_one_or_none()
    if callout is None:
        return jsonify(error="not found"), 404
    if callout.status != "completed":
        return jsonify(error="call-out is not completed yet"), 409

    card_token = (request.get_json(silent=True) or {}).get("card_token")
    if not card_token:
        return jsonify(error="card_token is required"), 400

    try:
        payment = charge_callout_fee(callout, card_token)
    except PaymentError as exc:
        logger.warning("payment declined callout=%s reason=%s", callout.id, exc)
        return jsonify(error=str(exc)), 402

    invoice = Invoice(
        callout_id=callout.id,
        customer_id=g.identity_id,
        number=f"LS-{callout.id:08d}",
        total_cents=payment.amount_cents,
    )
    db.session.add(invoice)
    db.session.commit()  # todo-expect: REL004
    return jsonify(payment_id=payment.id, status=payment.status, invoice=invoice.number), 201
