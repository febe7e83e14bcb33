"""Members swap points for partner vouchers in the app."""
from __future__ import annotations

import logging
import secrets
import string

from flask import Blueprint, jsonify, request

from loyalty import db
from loyalty.auth import current_member_id, member_required

log = logging.getLogger(__name__)
bp = Blueprint("redeem", __name__, url_prefix="/me")

VOUCHER_ALPHABET = string.ascii_uppercase + string.digits


def _voucher_code() -> str:
    return "LPX-" + "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(10))  # ok: SEC010


@bp.post("/redemptions")
@member_required
def redeem():
    member_id = current_member_id()
    idem_key = request.headers.get("Idempotency-Key", "")
    body = request.get_json(silent=True) or {}
    offer_id = body.get("offer_id")
    if not isinstance(offer_id, int) or not 8 <= len(idem_key) <= 64:
        return jsonify({"error": "invalid_request"}), 400

    with db.transaction() as cur:
        cur.execute(  # ok: DB005
            "INSERT INTO redemption_requests (member_id, idem_key) VALUES (%s, %s) "
            "ON CONFLICT (member_id, idem_key) DO NOTHING RETURNING id",
            (member_id, idem_key),
        )
        if cur.fetchone() is None:
            cur.execute(
                "SELECT v.code, v.points_cost, v.partner_code FROM vouchers v "
                "WHERE v.member_id = %s AND v.idem_key = %s",
                (member_id, idem_key),
            )
            previous = cur.fetchone()
            return jsonify({"status": "already_processed", "voucher": previous}), 200

        cur.execute(
            "SELECT id, partner_code, points_cost FROM offers WHERE id = %s AND active AND now() < ends_at",
            (offer_id,),
        )
        offer = cur.fetchone()
        if offer is None:
            raise RedemptionRejected("offer_unavailable", 404)

        cur.execute(  # ok: DB004, DB005
            "UPDATE members SET points = points - %s WHERE id = %s AND points >= %s RETURNING points",
            (offer["points_cost"], member_id, offer["points_cost"]),
        )
        row = cur.fetchone()
        if row is None:
            raise RedemptionRejected("insufficient_points", 409)

        code = _voucher_code()
        cur.execute(
            "INSERT INTO vouchers (code, member_id, partner_code, offer_id, points_cost, idem_key, status) "
            "VALUES (%s, %s, %s, %s, %s, %s, 'issued')",
            (code, member_id, offer["partner_code"], offer["id"], offer["points_cost"], idem_key),
        )
        cur.execute(
            "INSERT INTO ledger (member_id, kind, points, reference) VALUES (%s, 'redeem', %s, %s)",
            (member_id, -offer["points_cost"], code),
        )

    log.info("member %s redeemed offer %s for %s points", member_id, offer["id"], offer["points_cost"])
    return jsonify({"voucher": code, "partner": offer["partner_code"], "balance": row["points"]}), 201


class RedemptionRejected(Exception):
    """Raised inside the transaction so the idempotency row is rolled back too."""

    def __init__(self, error: str, status: int):
        super().__init__(error)
        self.error = error
        self.status = status


@bp.errorhandler(RedemptionRejected)
def _rejected(exc: RedemptionRejected):
    return jsonify({"error": exc.error}), exc.status
