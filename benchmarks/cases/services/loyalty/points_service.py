"""Loyalty points API: earn points on purchases and claim one-off promotional bonuses."""
import logging
import os

import redis
from flask import Blueprint, jsonify, request

from .auth import require_service_token, current_member

logger = logging.getLogger(__name__)

points_bp = Blueprint("points", __name__, url_prefix="/points")

r = redis.Redis.from_url(os.environ.get("LOYALTY_REDIS_URL", "redis://localhost:6379/2"), socket_timeout=1)

POINTS_PER_EURO = 10
PROMO_BONUS = {"spring-2024": 500, "app-install": 250}


def _balance_key(member_id: int) -> str:
    return f"points:{member_id}"


@points_bp.route("/earn", methods=["POST"])
@require_service_token
def earn_points():
    """Called by checkout after an order is paid."""
    payload = request.get_json(force=True)
    member_id = int(payload["member_id"])
    earned = int(payload["amount_cents"]) // 100 * POINTS_PER_EURO
    balance = int(r.get(_balance_key(member_id)) or 0)
    r.set(_balance_key(member_id), balance + earned)  # expect: DB004
    logger.info("member %s earned %s points for order %s", member_id, earned, payload.get("order_id"))
    return jsonify({"earned": earned, "balance": balance + earned})


@points_bp.route("/promotions/<code>/claim", methods=["POST"])
def claim_promotion(code):
    member = current_member()
    if member is None:
        return jsonify({"error": "unauthenticated"}), 401
    bonus = PROMO_BONUS.get(code)
    if bonus is None:
        return jsonify({"error": "unknown_promotion"}), 404

    claim_key = f"promo:{code}:{member.id}"
    if r.exists(claim_key):  # expect: DB005
        return jsonify({"error": "already_claimed"}), 409
    r.incrby(_balance_key(member.id), bonus)
    r.set(claim_key, 1)
    logger.info("member %s claimed %s (+%s)", member.id, code, bonus)
    return jsonify({"bonus": bonus})


@points_bp.route("/balance")
def balance():
    member = current_member()
    if member is None:
        return jsonify({"error": "unauthenticated"}), 401
    return jsonify({"balance": int(r.get(_balance_key(member.id)) or 0)})
