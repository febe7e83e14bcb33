"""Promotional codes (percentage off, limited number of uses)."""
import logging
import secrets
import string
from datetime import date, timedelta

from flask import Blueprint, g, jsonify, request
from psycopg2.extras import execute_values

from escape.auth import staff_required
from escape.db import get_conn, get_cursor

logger = logging.getLogger("escape.promo")
bp = Blueprint("promo_codes", __name__, url_prefix="/promo-codes")

ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "O0I1")


def _promo_code(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(8))  # ok: SEC010


@bp.post("")
@staff_required("manager")
def create_codes():
    data = request.get_json(silent=True) or {}
    count = max(1, min(int(data.get("count", 1)), 1000))
    percent = int(data["percent_off"])
    uses = int(data.get("uses", 1))
    if not 1 <= percent <= 50:
        return jsonify(error="Bad Request", detail="percent_off must be 1-50"), 400
    prefix = "".join(ch for ch in str(data.get("prefix", "PROMO")).upper() if ch.isalnum())[:8] or "PROMO"
    valid_until = date.today() + timedelta(days=int(data.get("days", 30)))
    rows = [(_promo_code(prefix), percent, uses, valid_until) for _ in range(count)]
    with get_conn() as conn, conn.cursor() as cur:
        execute_values(  # ok: DB003
            cur,
            "INSERT INTO promo_codes (code, percent_off, uses_left, valid_until) VALUES %s",
            rows,
        )
    logger.info("staff %s created %d promo codes at %d%%", g.staff["sub"], count, percent)
    return jsonify(codes=[r[0] for r in rows], valid_until=valid_until.isoformat()), 201


@bp.post("/<code>/apply")
def apply_code(code: str):
    data = request.get_json(silent=True) or {}
    booking_id = int(data.get("booking_id", 0))
    if not booking_id:
        return jsonify(error="Bad Request", detail="booking_id is required"), 400
    with get_conn() as conn, conn.cursor() as cur:
        # Spend one use only if one is left; the row is re-checked by the UPDATE itself.
        cur.execute(  # ok: DB004, DB005
            "UPDATE promo_codes SET uses_left = uses_left - 1 "
            "WHERE code = %s AND uses_left > 0 AND valid_until >= current_date RETURNING percent_off",
            (code.upper(),),
        )
        row = cur.fetchone()
        if row is None:
            return jsonify(error="Not Found", detail="Unknown, used up or expired code."), 404
        cur.execute(
            "UPDATE bookings SET total_pence = total_pence * (100 - %s) / 100, promo_code = %s "
            "WHERE id = %s AND promo_code IS NULL AND status = 'provisional' RETURNING total_pence",
            (row[0], code.upper(), booking_id),
        )
        updated = cur.fetchone()
        if updated is None:
            conn.rollback()
            return jsonify(error="Conflict", detail="Booking already has a code or is confirmed."), 409
    logger.info("promo %s applied to booking %s", code.upper(), booking_id)
    return jsonify(percent_off=row[0], total_pence=updated[0])


@bp.get("")
@staff_required("manager")
def list_codes():
    page = max(1, int(request.args.get("page", 1)))
    with get_cursor() as cur:
        cur.execute(
            "SELECT code, percent_off, uses_left, valid_until FROM promo_codes "
            "WHERE valid_until >= current_date ORDER BY valid_until, code LIMIT 100 OFFSET %s",
            ((page - 1) * 100,),
        )
        return jsonify(cur.fetchall())  # ok: DB002
