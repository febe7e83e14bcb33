"""Paying an outstanding team fee: record the attempt, charge once, then mark it paid."""
import logging

import requests
from flask import Blueprint, abort, current_app, jsonify, session

from .auth import login_required
from .db import transaction

logger = logging.getLogger(__name__)
bp = Blueprint("fees", __name__, url_prefix="/fees")


class PaymentDeclined(Exception):
    pass


def charge_payment(payment_id, amount_cents, captain_id):
    cfg = current_app.config
    resp = requests.post(
        f"{cfg['PAYMENTS_URL']}/charges",
        json={
            "amount": amount_cents,
            "currency": "usd",
            "customer_ref": f"user-{captain_id}",
            "description": f"League fee payment {payment_id}",
        },
        headers={
            "Authorization": f"Bearer {cfg['PAYMENTS_API_KEY']}",
            "Idempotency-Key": f"fee-payment-{payment_id}",  # ok: REL003
        },
        timeout=(3.05, 20),  # ok: REL001
    )
    if resp.status_code == 402:
        raise PaymentDeclined(resp.json().get("message", "card declined"))
    resp.raise_for_status()
    return resp.json()


@bp.post("/teams/<int:team_id>/pay")
@login_required
def pay_team_fee(team_id):
    captain_id = session["user_id"]
    with transaction() as cur:
        cur.execute(
            "SELECT id, fee_cents, fee_status FROM teams WHERE id = %s AND captain_id = %s FOR UPDATE",  # ok: SEC018
            (team_id, captain_id),
        )
        team = cur.fetchone()
        if team is None:
            abort(404)
        if team["fee_status"] == "paid":
            return jsonify(status="paid")
        cur.execute(
            "INSERT INTO fee_payments (team_id, amount_cents, status) VALUES (%s, %s, 'pending')"
            " ON CONFLICT (team_id) WHERE status = 'pending' DO UPDATE SET updated_at = now()"
            " RETURNING id",
            (team_id, team["fee_cents"]),
        )
        payment_id = cur.fetchone()["id"]

    try:
        charge = charge_payment(payment_id, team["fee_cents"], captain_id)
    except PaymentDeclined as exc:
        with transaction() as cur:
            cur.execute("UPDATE fee_payments SET status = 'declined' WHERE id = %s", (payment_id,))
        logger.info("fee payment %s for team %s declined", payment_id, team_id)
        return jsonify(error=str(exc)), 402
    except requests.RequestException:
        logger.exception("payment provider error on fee payment %s for team %s", payment_id, team_id)
        return jsonify(error="the payment service is unavailable, please try again shortly"), 503

    with transaction() as cur:
        cur.execute(
            "UPDATE fee_payments SET status = 'succeeded', charge_id = %s WHERE id = %s",
            (charge["id"], payment_id),
        )
        cur.execute(
            "UPDATE teams SET fee_status = 'paid', fee_charge_id = %s WHERE id = %s",
            (charge["id"], team_id),
        )
    logger.info("fee payment %s for team %s succeeded (charge %s)", payment_id, team_id, charge["id"])
    return jsonify(status="paid", charge_id=charge["id"])
