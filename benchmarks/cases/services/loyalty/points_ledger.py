"""Loyalty points redemption API: spend points on rewards and reverse a redemption."""
import logging
import os

import redis
from flask import Blueprint, jsonify, request

from .auth import current_member, require_service_token

logger = logging.getLogger(__name__)

ledger_bp = Blueprint("points_ledger", __name__, url_prefix="/points")

r = redis.Redis.from_url(os.environ.get("LOYALTY_REDIS_URL", "redis://localhost:6379/2"), socket_timeout=1)

REWARDS = {"coffee": 300, "tote-bag": 1500, "free-shipping": 800}

SPEND_SCRIPT = r.register_script(
    """
    local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
    if balance < tonumber(ARGV[1]) then return -1 end
    return redis.call('DECRBY', KEYS[1], ARGV[1])
    """
)


def _balance_key(member_id: int) -> str:
    return f"points:{member_id}"


@ledger_bp.route("/redeem/<reward>", methods=["POST"])
def redeem(reward):
    member = current_member()
    if member is None:
        return jsonify({"error": "unauthenticated"}), 401
    cost = REWARDS.get(reward)
    if cost is None:
        return jsonify({"error": "unknown_reward"}), 404
    remaining = SPEND_SCRIPT(keys=[_balance_key(member.id)], args=[cost])  # ok: DB004
    if remaining < 0:
        return jsonify({"error": "not_enough_points"}), 409
    logger.info("member %s redeemed %s for %s points", member.id, reward, cost)
    return jsonify({"reward": reward, "balance": remaining})


@ledger_bp.route("/redemptions/<redemption_id>/reverse", methods=["POST"])
@require_service_token
def reverse_redemption(redemption_id):
    payload = request.get_json(force=True)
    member_id = int(payload["member_id"])
    points = int(payload["points"])
    if not r.set(f"reversal:{redemption_id}", member_id, nx=True, ex=60 * 60 * 24 * 90):  # ok: DB005
        return jsonify({"error": "already_reversed"}), 409
    balance = r.incrby(_balance_key(member_id), points)  # ok: DB004
    logger.info("redemption %s reversed: +%s points for member %s", redemption_id, points, member_id)
    return jsonify({"balance": balance})
