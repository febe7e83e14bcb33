"""Spending a gift card against a class enrolment or furnace booking."""
import logging
from datetime import date

from flask import Blueprint, g, jsonify, request

from .auth import login_required
from .db import connection

log = logging.getLogger(__name__)
bp = Blueprint("gift_redemption", __name__, url_prefix="/giftcards")

_BOOKING_OWNER_SQL = {
    "enrolment": "SELECT 1 FROM enrolments WHERE id = %s AND student_id = %s",
    "furnace": "SELECT 1 FROM furnace_bookings WHERE id = %s AND student_id = %s",
}


class RedemptionError(Exception):
    def __init__(self, code, status=409):
        super().__init__(code)
        self.code = code
        self.status = status


def redeem(conn, code, amount_pence, booking_kind, booking_id, student_id):
    """Take ``amount_pence`` off the card once per booking; returns the new balance."""
    with conn.transaction():
        if conn.execute(_BOOKING_OWNER_SQL[booking_kind], (booking_id, student_id)).fetchone() is None:
            raise RedemptionError("booking_not_found", 404)
        card = conn.execute(
            "SELECT id, balance_pence, expires_on, status FROM gift_cards WHERE code = %s FOR UPDATE",
            (code,),
        ).fetchone()
        if card is None or card["status"] != "active":
            raise RedemptionError("card_not_valid", 404)
        if card["expires_on"] < date.today():
            raise RedemptionError("card_expired")

        booking_ref = f"{booking_kind}:{booking_id}"
        entry = conn.execute(
            "INSERT INTO gift_card_ledger (gift_card_id, booking_ref, delta_pence, student_id) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (gift_card_id, booking_ref) DO NOTHING RETURNING id",
            (card["id"], booking_ref, -amount_pence, student_id),
        ).fetchone()
        if entry is None:
            return card["balance_pence"]
        if card["balance_pence"] < amount_pence:
            raise RedemptionError("insufficient_balance")

        new_balance = card["balance_pence"] - amount_pence
        conn.execute(  # ok: DB004
            "UPDATE gift_cards SET balance_pence = %s, status = %s WHERE id = %s",
            (new_balance, "spent" if new_balance == 0 else "active", card["id"]),
        )
        return new_balance


@bp.post("/redeem")
@login_required
def redeem_card():
    data = request.get_json(force=True)
    kind = data.get("booking_kind")
    if kind not in _BOOKING_OWNER_SQL:
        return jsonify(error="unknown_booking_kind"), 400
    try:
        amount = int(data["amount_pence"])
        booking_id = int(data["booking_id"])
    except (KeyError, TypeError, ValueError):
        return jsonify(error="invalid_request"), 400
    if amount <= 0:
        return jsonify(error="invalid_amount"), 400

    try:
        with connection() as conn:
            balance = redeem(conn, data.get("code", "").strip().upper(), amount, kind, booking_id, g.student_id)
    except RedemptionError as exc:
        log.info("redemption refused for student %s: %s", g.student_id, exc.code)
        return jsonify(error=exc.code), exc.status
    log.info("student %s redeemed %s pence against %s %s", g.student_id, amount, kind, booking_id)
    return jsonify(balance_pence=balance)
