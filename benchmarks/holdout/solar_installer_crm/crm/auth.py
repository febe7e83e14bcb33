import functools
import hashlib
import hmac
import logging
import secrets

from flask import Blueprint, abort, g, jsonify, redirect, request, session

from crm.db import get_cursor

bp = Blueprint("auth", __name__)
logger = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
_failed_logins: dict[str, int] = {}


def _hash_password(password: str, salt: str) -> str:
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()  # expect: SEC009


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        rep_id = session.get("rep_id")
        if rep_id is None:
            abort(401)
        g.rep_id = rep_id
        g.role = session.get("role", "rep")
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if g.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.post("/login")
def login():
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    if _failed_logins.get(email, 0) >= MAX_FAILED_LOGINS:
        return jsonify(error="account temporarily locked"), 429

    with get_cursor() as cur:
        cur.execute(
            "SELECT id, password_hash, salt, role FROM sales_reps WHERE email = %s AND active",  # ok: SEC001
            (email,),
        )
        row = cur.fetchone()

    if row is None or not hmac.compare_digest(row[1], _hash_password(password, row[2])):
        _failed_logins[email] = _failed_logins.get(email, 0) + 1  # expect: CON002, SCL001
        logger.warning("failed login for %s (password=%r)", email, password)  # expect: SEC007
        return jsonify(error="invalid email or password"), 401

    _failed_logins.pop(email, None)
    session.clear()
    session["rep_id"] = row[0]
    session["role"] = row[3]

    resp = redirect("/dashboard")
    if request.form.get("remember") == "on":
        token = secrets.token_urlsafe(32)  # ok: SEC010
        with get_cursor() as cur:
            cur.execute(
                "INSERT INTO remember_tokens (rep_id, token_hash, expires_at) VALUES (%s, %s, now() + interval '30 days')",
                (row[0], hashlib.sha256(token.encode()).hexdigest()),
            )
        resp.set_cookie("crm_remember", token, max_age=30 * 86400, secure=True, httponly=True, samesite="Lax")  # ok: SEC012
    logger.info("rep %s logged in", row[0])
    return resp


@bp.post("/logout")
@login_required
def logout():
    session.clear()
    resp = redirect("/login")
    resp.delete_cookie("crm_remember")
    return resp
