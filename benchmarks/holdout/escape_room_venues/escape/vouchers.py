"""Gift vouchers: sold online or in batches for corporate customers, redeemed at checkout."""
import logging
import random
import string
from datetime import date, timedelta

from flask import Blueprint, g, jsonify, request

from escape.auth import staff_required
from escape.db import get_conn, get_cursor

logger = logging.getLogger("escape.vouchers")
bp = Blueprint("vouchers", __name__, url_prefix="/vouchers")

ALPHABET = string.ascii_uppercase + string.digits
VALID_DAYS = 365


def _voucher_code() -> str:
    return "ESC-" + "".join(random.choices(ALPHABET, k=10))  # expect: SEC010


@bp.post("/batch")
@staff_required("manager")
def issue_batch():
    data = request.get_json(silent=True) or {}
    quantity = min(int(data.get("quantity", 1)), 500)
    value = int(data["value_pence"])
    buyer = str(data.get("purchaser_email", ""))[:254]
    expires = date.today() + timedelta(days=VALID_DAYS)
    codes = []
    with get_conn() as conn, conn.cursor() as cur:
        for _ in range(quantity):
            code = _voucher_code()
            cur.execute(
                "INSERT INTO vouchers (code, balance_pence, purchaser_email, expires_on) VALUES (%s, %s, %s, %s)",
                (code, value, buyer, expires),
            )
            conn.commit()  # expect: DB003
            codes.append(code)
    logger.info("staff %s issued %d vouchers of %d for %s", g.staff["sub"], len(codes), value, buyer)
    return jsonify(codes=codes, expires_on=expires.isoformat()), 201


@bp.get("/<code>")
def balance(code: str):
    with get_cursor() as cur:
        cur.execute("SELECT balance_pence, expires_on FROM vouchers WHERE code = %s", (code.upper(),))
        row = cur.fetchone()
    if row is None:
        return jsonify(error="Not Found", detail="Unknown voucher."), 404
    return jsonify(balance_pence=row["balance_pence"], expires_on=row["expires_on"].isoformat())


@bp.post("/<code>/redeem")
def redeem(code: str):
    data = request.get_json(silent=True) or {}
    amount = int(data.get("amount_pence", 0))
    booking_id = int(data.get("booking_id", 0))
    if amount <= 0 or not booking_id:
        return jsonify(error="Bad Request", detail="amount_pence and booking_id are required"), 400
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT balance_pence, expires_on FROM vouchers WHERE code = %s", (code.upper(),))
        row = cur.fetchone()
        if row is None or row[1] < date.today():
            return jsonify(error="Not Found", detail="Unknown or expired voucher."), 404
        if row[0] < amount:
            return jsonify(error="Conflict", detail=f"Voucher balance is only {row[0]}p."), 409
        new_balance = row[0] - amount
        cur.execute("UPDATE vouchers SET balance_pence = %s WHERE code = %s", (new_balance, code.upper()))  # expect: DB004, DB005
        cur.execute(
            "INSERT INTO voucher_redemptions (code, booking_id, amount_pence) VALUES (%s, %s, %s)",
            (code.upper(), booking_id, amount),
        )
    logger.info("voucher redeemed: %dp against booking %s", amount, booking_id)
    return jsonify(redeemed_pence=amount, balance_pence=new_balance)
