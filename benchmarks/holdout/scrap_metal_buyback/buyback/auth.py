"""Scale-house staff login with badge number and PIN."""
from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import random
import string
import time

from flask import Blueprint, g, jsonify, request

from buyback.db import get_conn

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

SHIFT_SECONDS = 10 * 60 * 60
MAX_FAILED = 5
COOKIE_NAME = "yard_session"

_sessions: dict[str, dict] = {}


def hash_pin(pin: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{pin}".encode()).hexdigest()  # expect: SEC009


def _new_token() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(random.choices(alphabet, k=40))  # expect: SEC010


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    badge = str(body.get("badge", "")).strip()
    pin = str(body.get("pin", ""))
    if not badge or not pin:
        return jsonify(error="badge and pin are required"), 400

    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, role, pin_hash, pin_salt, active, failed_attempts FROM staff WHERE badge = %s",
            (badge,),
        )
        staff = cur.fetchone()
        if staff is None or not staff["active"] or staff["failed_attempts"] >= MAX_FAILED:
            return jsonify(error="invalid badge or pin"), 401
        if not hmac.compare_digest(hash_pin(pin, staff["pin_salt"]), staff["pin_hash"]):
            cur.execute(
                "UPDATE staff SET failed_attempts = %s WHERE id = %s",  # expect: DB004
                (staff["failed_attempts"] + 1, staff["id"]),
            )
            conn.commit()
            log.info("failed login for staff %s", staff["id"])
            return jsonify(error="invalid badge or pin"), 401
        if staff["failed_attempts"]:
            cur.execute("UPDATE staff SET failed_attempts = 0 WHERE id = %s", (staff["id"],))
            conn.commit()

    token = _new_token()
    _sessions[token] = {  # expect: SCL001, CON002
        "staff_id": staff["id"],
        "role": staff["role"],
        "expires": time.time() + SHIFT_SECONDS,
    }
    resp = jsonify(staff_id=staff["id"], role=staff["role"])
    resp.set_cookie(  # ok: SEC012
        COOKIE_NAME, token, max_age=SHIFT_SECONDS, secure=True, httponly=True, samesite="Strict"
    )
    return resp


@bp.post("/logout")
def logout():
    token = request.cookies.get(COOKIE_NAME)
    if token:
        _sessions.pop(token, None)
    resp = jsonify(ok=True)
    resp.delete_cookie(COOKIE_NAME)
    return resp


def staff_required(role: str | None = None):
    """Route decorator: requires a live session, optionally with a given role."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            session = _sessions.get(request.cookies.get(COOKIE_NAME, ""))
            if session is None or session["expires"] < time.time():
                return jsonify(error="login required"), 401
            if role is not None and session["role"] not in (role, "manager"):
                return jsonify(error="forbidden"), 403
            g.staff_id = session["staff_id"]
            g.staff_role = session["role"]
            return view(*args, **kwargs)

        return wrapper

    return decorator
