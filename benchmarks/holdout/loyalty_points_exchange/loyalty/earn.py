"""Points earned at partner tills. Called by the till integration after each sale."""
from __future__ import annotations

import logging
from decimal import ROUND_DOWN, Decimal

from flask import Blueprint, g, jsonify, request

from loyalty import db
from loyalty.auth import partner_required
from loyalty.partners import notify_points_credited

log = logging.getLogger(__name__)
bp = Blueprint("earn", __name__, url_prefix="/partner")

TIER_MULTIPLIER = {"blue": Decimal("1.0"), "silver": Decimal("1.25"), "gold": Decimal("1.5")}
MAX_BASKET_PENCE = 500_000


def _points_for(amount_pence: int, rate_per_pound: Decimal, tier: str) -> int:
    pounds = Decimal(amount_pence) / 100
    raw = pounds * rate_per_pound * TIER_MULTIPLIER.get(tier, Decimal("1.0"))
    return int(raw.quantize(Decimal("1"), rounding=ROUND_DOWN))


@bp.post("/earn")
@partner_required
def earn():
    body = request.get_json(silent=True) or {}
    try:
        receipt_id = str(body["receipt_id"])[:64]
        card_number = str(body["card_number"]).replace(" ", "")
        amount_pence = int(body["amount_pence"])
    except (KeyError, TypeError, ValueError):
        return jsonify({"error": "invalid_request"}), 400
    if not 0 < amount_pence <= MAX_BASKET_PENCE:
        return jsonify({"error": "amount_out_of_range"}), 400

    with db.connection() as conn:
        partner = conn.execute(
            "SELECT points_per_pound, active FROM partners WHERE code = %s", (g.partner_code,)
        ).fetchone()
        if partner is None or not partner["active"]:
            return jsonify({"error": "partner_inactive"}), 403

        member = conn.execute(
            "SELECT id, points, tier FROM members WHERE card_number = %s AND active", (card_number,)
        ).fetchone()
        if member is None:
            return jsonify({"error": "unknown_card"}), 404

        seen = conn.execute(
            "SELECT points FROM earn_events WHERE partner_code = %s AND receipt_id = %s",
            (g.partner_code, receipt_id),
        ).fetchone()
        if seen is not None:
            return jsonify({"status": "duplicate", "points": seen["points"]}), 200

        points = _points_for(amount_pence, partner["points_per_pound"], member["tier"])
        balance = member["points"] + points
        conn.execute(  # expect: DB005
            "INSERT INTO earn_events (partner_code, store_id, receipt_id, member_id, amount_pence, points) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (g.partner_code, g.partner_store, receipt_id, member["id"], amount_pence, points),
        )
        conn.execute(  # expect: DB004
            "UPDATE members SET points = %s, lifetime_points = lifetime_points + %s WHERE id = %s",
            (balance, points, member["id"]),
        )
        conn.commit()

    log.info("earned %s points for member %s at %s receipt %s", points, member["id"], g.partner_code, receipt_id)
    notify_points_credited(g.partner_code, member["id"], receipt_id, points)
    return jsonify({"status": "credited", "points": points, "balance": balance}), 201
