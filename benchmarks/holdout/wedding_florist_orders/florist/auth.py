"""Staff login (session cookie), password resets and view guards."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, jsonify, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from florist.db import execute, fetch_one, transaction
from florist.notifications.mailer import send_mail

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

RESET_TTL = timedelta(hours=1)


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if "staff_id" not in session:
            abort(401, description="sign in first")
        return view(*args, **kwargs)

    return wrapper


def staff_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if session.get("role") not in {"designer", "manager"}:
            abort(403, description="studio staff only")
        return view(*args, **kwargs)

    return wrapper


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = str(data.get("email", "")).strip().lower()
    password = str(data.get("password", ""))
    row = fetch_one("SELECT id, password_hash, role FROM staff_user WHERE email = %s AND active", (email,))
    if row is None or not check_password_hash(row["password_hash"], password):
        abort(401, description="wrong email or password")
    session.clear()
    session["staff_id"] = row["id"]  # ok: SCL001
    session["role"] = row["role"]
    session.permanent = True
    logger.info("staff %s signed in", row["id"])
    return jsonify(staff_id=row["id"], role=row["role"])


@bp.post("/logout")
def logout():
    session.clear()
    return jsonify(signed_out=True)


@bp.post("/password-reset")
def request_reset():
    email = str((request.get_json(silent=True) or {}).get("email", "")).strip().lower()
    row = fetch_one("SELECT id FROM staff_user WHERE email = %s AND active", (email,))
    if row is not None:
        token = secrets.token_urlsafe(32)  # ok: SEC010
        token_hash = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
        expires = datetime.now(timezone.utc) + RESET_TTL
        execute(
            "INSERT INTO password_reset (staff_id, token_hash, expires_at) VALUES (%s, %s, %s)",
            (row["id"], token_hash, expires),
        )
        link = f"{current_app.config['PUBLIC_BASE_URL']}/reset?token={token}"
        send_mail(current_app.config, [email], "Reset your password", f"Reset link (valid 1 hour): {link}")
    return jsonify(sent=True), 202


@bp.post("/password-reset/<token>")
def complete_reset(token: str):
    new_password = str((request.get_json(silent=True) or {}).get("password", ""))
    if len(new_password) < 12:
        abort(400, description="password must be at least 12 characters")
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    with transaction() as conn:
        row = conn.execute(
            "UPDATE password_reset SET used_at = now() WHERE token_hash = %s AND used_at IS NULL "
            "AND expires_at > now() RETURNING staff_id",
            (token_hash,),
        ).fetchone()
        if row is None:
            abort(400, description="reset link is invalid or expired")
        conn.execute(
            "UPDATE staff_user SET password_hash = %s WHERE id = %s",
            (generate_password_hash(new_password), row["staff_id"]),
        )
    return jsonify(reset=True)
