"""Student and staff login, session helpers and password resets."""
import functools
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, g, jsonify, request, session
from psycopg.types.json import Jsonb
from werkzeug.security import check_password_hash, generate_password_hash

from .db import connection

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

RESET_TOKEN_TTL = timedelta(minutes=30)
MIN_PASSWORD_LENGTH = 10


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        student_id = session.get("student_id")
        if student_id is None:
            return jsonify(error="login_required"), 401
        g.student_id = student_id
        g.role = session.get("role", "student")
        return view(*args, **kwargs)
    return wrapper


def staff_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if g.role not in ("staff", "owner"):
            return jsonify(error="forbidden"), 403
        return view(*args, **kwargs)
    return wrapper


def _email_ref(email):
    return hashlib.sha256(email.encode()).hexdigest()[:12]  # ok: SEC009


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    password = data.get("password") or ""
    with connection() as conn:
        row = conn.execute(
            "SELECT id, password_hash, role FROM students WHERE email = %s", (email,)
        ).fetchone()
    if row is None or not check_password_hash(row["password_hash"], password):
        log.info("login failed for %s", _email_ref(email))  # ok: SEC007
        return jsonify(error="invalid_credentials"), 401
    session.clear()
    session.permanent = True
    session["student_id"] = row["id"]
    session["role"] = row["role"]
    return jsonify(id=row["id"], role=row["role"])


@bp.post("/logout")
def logout():
    session.clear()
    return "", 204


@bp.post("/password-reset")
def request_password_reset():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    token = secrets.token_urlsafe(32)
    token_hash = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
    expires = datetime.now(timezone.utc) + RESET_TOKEN_TTL
    with connection() as conn:
        student = conn.execute("SELECT id FROM students WHERE email = %s", (email,)).fetchone()
        if student is not None:
            conn.execute(
                "INSERT INTO password_resets (student_id, token_hash, expires_at) VALUES (%s, %s, %s)",
                (student["id"], token_hash, expires),
            )
            conn.execute(
                "INSERT INTO mail_outbox (recipient, template, payload) VALUES (%s, 'password_reset', %s)",
                (email, Jsonb({"token": token})),
            )
    # Same answer whether or not the address exists.
    return jsonify(status="sent"), 202


@bp.post("/password-reset/confirm")
def confirm_password_reset():
    data = request.get_json(silent=True) or {}
    token = data.get("token") or ""
    new_password = data.get("password") or ""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        return jsonify(error="password_too_short"), 400
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    with connection() as conn:
        reset = conn.execute(
            "UPDATE password_resets SET used_at = now() "
            "WHERE token_hash = %s AND used_at IS NULL AND expires_at > now() RETURNING student_id",
            (token_hash,),
        ).fetchone()
        if reset is None:
            return jsonify(error="invalid_or_expired"), 400
        conn.execute(
            "UPDATE students SET password_hash = %s WHERE id = %s",
            (generate_password_hash(new_password), reset["student_id"]),
        )
    return jsonify(status="updated")
