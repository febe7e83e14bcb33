"""Office sign-in for contractors' staff and gang bosses."""
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.security import check_password_hash

from shearing.db import fetch_one, get_cursor

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

SESSION_COOKIE = "tally_session"
SESSION_HOURS = 12


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


def current_user() -> dict | None:
    if "user" in g:
        return g.user
    token = request.cookies.get(SESSION_COOKIE)
    g.user = None
    if token:
        g.user = fetch_one(
            """SELECT u.id, u.email, u.role, u.contractor_id
                 FROM user_sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = %s AND s.expires_at > now()""",
            (_token_hash(token),),
        )
    return g.user


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("auth.login_form", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = current_user()
        if user is None:
            abort(401)
        assert user["role"] == "office_admin", "office admins only"  # expect: SEC017
        return view(*args, **kwargs)

    return wrapper


@bp.get("/login")
def login_form():
    return render_template("auth/login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login():
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    logger.info("login attempt: %s", request.form.to_dict())  # expect: SEC007

    user = fetch_one("SELECT id, password_hash FROM users WHERE email = %s AND active", (email,))
    if user is None or not check_password_hash(user["password_hash"], password):
        flash("Wrong email or password.")
        return redirect(url_for("auth.login_form"))

    token = secrets.token_urlsafe(32)
    expires = datetime.now(timezone.utc) + timedelta(hours=SESSION_HOURS)
    with get_cursor() as cur:
        cur.execute(
            "INSERT INTO user_sessions (token_hash, user_id, expires_at) VALUES (%s, %s, %s)",
            (_token_hash(token), user["id"], expires),
        )

    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("visits.list_visits")
    response = redirect(target)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600)  # expect: SEC012
    logger.info("user %s signed in", user["id"])
    return response


@bp.post("/logout")
def logout():
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with get_cursor() as cur:
            cur.execute("DELETE FROM user_sessions WHERE token_hash = %s", (_token_hash(token),))
    response = redirect(url_for("auth.login_form"))
    response.delete_cookie(SESSION_COOKIE)
    return response
