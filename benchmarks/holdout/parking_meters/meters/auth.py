import hashlib
import hmac
import logging
import os
import random
import string
from functools import wraps

import psycopg
import redis
from flask import Blueprint, g, jsonify, make_response, request

from .db import fetch_one, transaction

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/api/auth")

SESSION_TTL = 14 * 24 * 3600
COOKIE_NAME = "meter_session"
_redis = redis.Redis.from_url(
    os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
    socket_timeout=2,
    socket_connect_timeout=2,
    decode_responses=True,
)


def _hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


def _new_token() -> str:
    return "".join(random.choices(string.ascii_letters + string.digits, k=40))  # expect: SEC010


@bp.post("/register")
def register():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    password = str(body.get("password", ""))
    if "@" not in email or len(password) < 10:
        return jsonify(error="invalid_credentials_format"), 422
    try:
        with transaction() as conn:
            row = conn.execute(
                "INSERT INTO app_users (email, password_hash, role) VALUES (%s, %s, 'driver') RETURNING id",
                (email, _hash_password(password)),
            ).fetchone()
    except psycopg.errors.UniqueViolation:  # ok: DB005
        return jsonify(error="email_taken"), 409
    return jsonify(id=row["id"]), 201


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    user = fetch_one("SELECT id, password_hash FROM app_users WHERE email = %s", (email,))
    if user is None or not hmac.compare_digest(user["password_hash"], _hash_password(str(body.get("password", "")))):
        logger.info("failed login for user lookup email_hash=%s", hashlib.sha1(email.encode()).hexdigest()[:12])  # ok: SEC009
        return jsonify(error="invalid_credentials"), 401
    token = _new_token()
    _redis.setex(f"sess:{token}", SESSION_TTL, user["id"])  # ok: SCL001
    resp = make_response(jsonify(user_id=user["id"]))
    resp.set_cookie(COOKIE_NAME, token, max_age=SESSION_TTL, samesite="Lax")  # expect: SEC012
    return resp


@bp.post("/logout")
def logout():
    token = request.cookies.get(COOKIE_NAME)
    if token:
        _redis.delete(f"sess:{token}")
    resp = make_response(jsonify(status="logged_out"))
    resp.delete_cookie(COOKIE_NAME)
    return resp


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = request.cookies.get(COOKIE_NAME)
        user_id = _redis.get(f"sess:{token}") if token else None
        if user_id is None:
            return jsonify(error="unauthorized"), 401
        user = fetch_one("SELECT id, email, wallet_id, role FROM app_users WHERE id = %s", (int(user_id),))
        if user is None:
            return jsonify(error="unauthorized"), 401
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def role_required(*roles: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.user["role"] not in roles:
                return jsonify(error="forbidden"), 403
            return view(*args, **kwargs)

        return wrapper

    return decorator
