"""Referral codes: members share a code, new customers redeem it for a first-order discount."""
import logging
import random
import string

import redis
from flask import Blueprint, jsonify

from .auth import current_member

logger = logging.getLogger(__name__)

referrals_bp = Blueprint("referrals", __name__, url_prefix="/referrals")

r = redis.Redis(host="loyalty-redis.internal", port=6379, db=3, password="Lp9!redis-prod-2024", socket_timeout=1)  # expect: SEC005

CODE_ALPHABET = string.ascii_uppercase + string.digits
CODE_LENGTH = 8
CODE_TTL_SECONDS = 60 * 60 * 24 * 180


def new_code() -> str:
    return "".join(random.choices(CODE_ALPHABET, k=CODE_LENGTH))  # expect: SEC010


@referrals_bp.route("/code", methods=["POST"])
def create_code():
    member = current_member()
    if member is None:
        return jsonify({"error": "unauthenticated"}), 401
    existing = r.get(f"referrer:{member.id}")
    if existing:
        return jsonify({"code": existing.decode()})
    for _ in range(5):
        code = new_code()
        if r.set(f"referral:{code}", member.id, nx=True, ex=CODE_TTL_SECONDS):
            r.set(f"referrer:{member.id}", code, ex=CODE_TTL_SECONDS)
            logger.info("referral code created for member %s", member.id)
            return jsonify({"code": code}), 201
    return jsonify({"error": "try_again"}), 503


@referrals_bp.route("/<code>")
def lookup_code(code):
    referrer = r.get(f"referral:{code.upper()}")
    if referrer is None:
        return jsonify({"valid": False}), 404
    return jsonify({"valid": True, "discount_percent": 10})
