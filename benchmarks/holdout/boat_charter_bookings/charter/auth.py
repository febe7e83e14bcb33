"""Sign-in for customers, crew and brokers, plus the role decorators used by other blueprints."""
import functools
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

import bcrypt
from flask import Blueprint, current_app, g, jsonify, request, session

from . import notifications
from .db import get_conn

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

MAX_FAILED_LOGINS = 5
_failed_logins: dict[str, int] = {}


def _load_user(user_id):
    with get_conn() as conn:
        return conn.execute(
            "SELECT id, email, full_name, role, stripe_customer_id FROM users WHERE id = %s AND active",
            (user_id,),
        ).fetchone()


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        user_id = session.get("user_id")
        user = _load_user(user_id) if user_id else None
        if user is None:
            return jsonify({"error": "sign in required"}), 401
        g.user = user
        return view(*args, **kwargs)
    return wrapper


def role_required(*roles):
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if g.user["role"] not in roles:
                return jsonify({"error": "forbidden"}), 403
            return view(*args, **kwargs)
        return wrapper
    return decorator


staff_required = role_required("staff", "admin")
broker_required = role_required("broker", "staff", "admin")
admin_required = role_required("admin")


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email = (body.get("email") or "").strip().lower()
    password = (body.get("password") or "").encode()
    if _failed_logins.get(email, 0) >= MAX_FAILED_LOGINS:
        return jsonify({"error": "account temporarily locked"}), 429

    with get_conn() as conn:
        user = conn.execute("SELECT id, password_hash FROM users WHERE email = %s AND active", (email,)).fetchone()
    if user is None or not bcrypt.checkpw(password, user["password_hash"].encode()):  # ok: SEC009
        _failed_logins[email] = _failed_logins.get(email, 0) + 1  # expect: SCL001, CON002, RES002
        return jsonify({"error": "invalid email or password"}), 401

    _failed_logins.pop(email, None)
    session.clear()
    session["user_id"] = user["id"]
    session.permanent = True
    logger.info("user signed in id=%s", user["id"])
    return jsonify({"id": user["id"]})


@bp.post("/logout")
def logout():
    session.clear()
    return jsonify({"signed_out": True})


@bp.post("/password-reset")
def request_password_reset():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    with get_conn() as conn:
        user = conn.execute("SELECT id FROM users WHERE email = %s AND active", (email,)).fetchone()
        if user is not None:
            token = secrets.token_urlsafe(32)  # ok: SEC010
            conn.execute(
                "INSERT INTO password_resets (user_id, token_sha256, expires_at) VALUES (%s, %s, %s)",
                (user["id"], hashlib.sha256(token.encode()).hexdigest(),  # ok: SEC009
                 datetime.now(timezone.utc) + timedelta(hours=1)),
            )
            conn.commit()
            link = f"{current_app.config['PUBLIC_URL']}/reset-password?token={token}"
            logger.info("password reset requested user=%s link=%s", user["id"], link)  # expect: SEC007
            notifications.enqueue_email(user["id"], "password_reset", {"link": link})
    # Same answer whether or not the address exists.
    return jsonify({"status": "if the address is registered, a reset link is on its way"}), 202
