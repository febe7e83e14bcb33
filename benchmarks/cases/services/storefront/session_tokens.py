"""Remember-me tokens for the storefront, kept in Redis."""
import hashlib
import logging
import os
import secrets

import redis
from flask import Blueprint, g, jsonify, request
from werkzeug.security import check_password_hash

from .models import Customer

logger = logging.getLogger(__name__)

tokens_bp = Blueprint("remember_tokens", __name__)

TOKEN_TTL_SECONDS = 60 * 60 * 24 * 30
_redis = redis.Redis.from_url(  # ok: SCL001
    os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
    socket_timeout=2,
    socket_connect_timeout=2,
)


def _key(token):
    return "remember:" + hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


def customer_for_token(token):
    customer_id = _redis.get(_key(token)) if token else None
    if customer_id is None:
        return None
    return Customer.query.get(int(customer_id))


@tokens_bp.route("/remember", methods=["POST"])
def remember_me():
    payload = request.get_json(silent=True) or {}
    email = payload.get("email", "").strip().lower()
    customer = Customer.query.filter_by(email=email).first()
    if customer is None or not check_password_hash(customer.password_hash, payload.get("password", "")):
        return jsonify({"error": "invalid_credentials"}), 401

    token = secrets.token_urlsafe(32)  # ok: SEC010
    _redis.set(_key(token), customer.id, ex=TOKEN_TTL_SECONDS)
    logger.info("remember-me token issued for customer %s", customer.id)
    response = jsonify({"customer_id": customer.id})
    response.set_cookie(  # ok: SEC012
        "sf_remember",
        token,
        max_age=TOKEN_TTL_SECONDS,
        secure=True,
        httponly=True,
        samesite="Lax",
    )
    return response


@tokens_bp.route("/forget", methods=["POST"])
def forget_me():
    token = request.cookies.get("sf_remember")
    if token:
        _redis.delete(_key(token))
    response = jsonify({"ok": True})
    response.delete_cookie("sf_remember")
    return response


@tokens_bp.before_app_request
def load_remembered_customer():
    if getattr(g, "customer", None) is None:
        g.customer = customer_for_token(request.cookies.get("sf_remember"))
