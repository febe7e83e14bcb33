"""Session login for customers, technicians and office staff."""

import functools
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, jsonify, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from .db import connection

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

RESET_TOKEN_TTL = timedelta(minutes=30)


def _require_role(*roles: str):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if "account_id" not in session:
                abort(401)
            if session.get("role") not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


customer_required = _require_role("customer")
technician_required = _require_role("technician", "admin")
admin_required = _require_role("admin")


@bp.post("/login")
def login():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").strip().lower()
    password = payload.get("password") or ""
    with connection() as conn:
        account = conn.execute(
            "SELECT id, password_hash, role FROM accounts WHERE email = %s AND active",
            (email,),
        ).fetchone()
    if account is None or not check_password_hash(account["password_hash"], password):
        log.info("failed login for email hash %s", hashlib.sha256(email.encode()).hexdigest()[:12])
        return jsonify(error="invalid_credentials"), 401

    session.clear()
    session.permanent = True
    session["account_id"] = account["id"]
    session["role"] = account["role"]
    log.info("account %s logged in as %s", account["id"], account["role"])
    return jsonify(id=account["id"], role=account["role"])


@bp.post("/logout")
def logout():
    session.clear()
    return "", 204


@bp.post("/password-reset")
def request_password_reset():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    token = secrets.token_urlsafe(32)
    token_hash = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
    expires_at = datetime.now(timezone.utc) + RESET_TOKEN_TTL
    with connection() as conn:
        account = conn.execute(
            "SELECT id FROM accounts WHERE email = %s AND active", (email,)
        ).fetchone()
        if account is not None:
            conn.execute(
                "INSERT INTO password_resets (account_id, token_hash, expires_at) VALUES (%s, %s, %s)",
                (account["id"], token_hash, expires_at),
            )
            conn.execute(
                "INSERT INTO notification_outbox (customer_id, kind, payload) VALUES (%s, 'password_reset', jsonb_build_object('token', %s::text))",
                (account["id"], token),
            )
            log.info("password reset queued for account %s", account["id"])
    # Same answer whether or not the address exists.
    return jsonify(status="sent"), 202


@bp.post("/password-reset/confirm")
def confirm_password_reset():
    payload = request.get_json(silent=True) or {}
    token = payload.get("token") or ""
    new_password = payload.get("password") or ""
    if len(new_password) < 10:
        return jsonify(error="password_too_short"), 400
    token_hash = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
    with connection() as conn:
        reset = conn.execute(
            "UPDATE password_resets SET used_at = now() WHERE token_hash = %s AND used_at IS NULL AND expires_at > now() RETURNING account_id",
            (token_hash,),
        ).fetchone()
        if reset is None:
            return jsonify(error="invalid_or_expired"), 400
        conn.execute(
            "UPDATE accounts SET password_hash = %s WHERE id = %s",
            (generate_password_hash(new_password), reset["account_id"]),
        )
    log.info("password reset completed for account %s", reset["account_id"])
    return jsonify(status="updated")
