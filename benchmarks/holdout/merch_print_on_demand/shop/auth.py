"""Customer accounts: registration, login and the login_required decorator."""
from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import Blueprint, g, jsonify, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from shop.db import get_db

bp = Blueprint("auth", __name__, url_prefix="/account")
log = logging.getLogger(__name__)

FAILURE_WINDOW_S = 15 * 60
MAX_FAILURES = 5
REMEMBER_DAYS = 30
_failed_logins: dict[str, list[float]] = defaultdict(list)


def _recent_failures(email: str) -> int:
    cutoff = time.time() - FAILURE_WINDOW_S
    return sum(1 for ts in _failed_logins.get(email, ()) if ts > cutoff)


def _customer_from_remember_cookie() -> int | None:
    token = request.cookies.get("merch_remember")
    if not token:
        return None
    row = get_db().execute(
        "SELECT customer_id FROM remember_tokens WHERE token_hash = ? AND expires_at > ?",
        (hashlib.sha256(token.encode()).hexdigest(), datetime.now(timezone.utc).isoformat()),
    ).fetchone()
    return row["customer_id"] if row else None


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        customer_id = session.get("customer_id") or _customer_from_remember_cookie()
        if customer_id is None:
            return jsonify(error="unauthorized", message="login required"), 401
        g.customer_id = customer_id
        return view(*args, **kwargs)
    return wrapper


@bp.post("/register")
def register():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    password = str(body.get("password", ""))
    if "@" not in email or len(password) < 10:
        return jsonify(error="invalid_request", message="valid email and a 10+ character password required"), 400
    try:
        cur = get_db().execute(
            "INSERT INTO customers (email, password_hash, name) VALUES (?, ?, ?)",
            (email, generate_password_hash(password), str(body.get("name", ""))[:120]),  # ok: SEC009
        )
    except sqlite3.IntegrityError:
        return jsonify(error="conflict", message="email already registered"), 409
    session.clear()
    session["customer_id"] = cur.lastrowid
    return jsonify(id=cur.lastrowid), 201


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    if _recent_failures(email) >= MAX_FAILURES:
        return jsonify(error="too_many_attempts", message="try again later"), 429
    db = get_db()
    row = db.execute("SELECT id, password_hash FROM customers WHERE email = ?", (email,)).fetchone()
    if row is None or not check_password_hash(row["password_hash"], str(body.get("password", ""))):
        _failed_logins[email].append(time.time())  # expect: SCL001, CON002, RES002
        log.info("failed login", extra={"email_hash": hashlib.sha256(email.encode()).hexdigest()[:12]})
        return jsonify(error="unauthorized", message="invalid credentials"), 401
    _failed_logins.pop(email, None)
    session.clear()
    session["customer_id"] = row["id"]
    response = jsonify(id=row["id"])
    if body.get("remember"):
        token = secrets.token_urlsafe(32)
        expires = datetime.now(timezone.utc) + timedelta(days=REMEMBER_DAYS)
        db.execute(
            "INSERT INTO remember_tokens (token_hash, customer_id, expires_at) VALUES (?, ?, ?)",
            (hashlib.sha256(token.encode()).hexdigest(), row["id"], expires.isoformat()),  # ok: SEC009
        )
        response.set_cookie("merch_remember", token, max_age=REMEMBER_DAYS * 86400)  # expect: SEC012
    return response


@bp.post("/logout")
def logout():
    session.clear()
    response = jsonify(status="logged_out")
    response.delete_cookie("merch_remember")
    return response
