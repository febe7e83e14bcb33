"""Session login for lab staff, and helpers that scope requests to a lab."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request, session
from werkzeug.security import check_password_hash

from .db import cursor

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    password = data.get("password") or ""
    with cursor() as cur:
        cur.execute(
            "SELECT id, lab_id, role, password_hash FROM users WHERE email = %s AND active",
            (email,),
        )
        user = cur.fetchone()
    if user is None or not check_password_hash(user["password_hash"], password):  # ok: SEC009
        return jsonify(error="invalid email or password"), 401
    session.clear()
    session["user_id"] = user["id"]
    return jsonify(user_id=user["id"], lab_id=user["lab_id"], role=user["role"])


@bp.post("/logout")
def logout():
    session.clear()
    return jsonify(status="logged_out")


def load_current_user() -> None:
    """before_request hook: put the signed-in user (or None) on flask.g."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    with cursor() as cur:
        cur.execute("SELECT id, email, lab_id, role FROM users WHERE id = %s AND active", (user_id,))
        g.user = cur.fetchone()


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("user") is None:
            return jsonify(error="authentication required"), 401
        return view(*args, **kwargs)

    return wrapper


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("user") is None:
                return jsonify(error="authentication required"), 401
            if g.user["role"] not in roles:
                return jsonify(error="insufficient role"), 403
            return view(*args, **kwargs)

        return wrapper

    return decorator
