"""Session login for league officials and team captains."""
import functools
import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash

from .db import transaction

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

ADMIN_ROLES = {"admin", "league_official"}


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if "user_id" not in session:
            return redirect(url_for("auth.login_form", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if "user_id" not in session:
            return redirect(url_for("auth.login_form", next=request.path))
        if session.get("role") not in ADMIN_ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def is_admin():
    return session.get("role") in ADMIN_ROLES


@bp.get("/login")
def login_form():
    return render_template("login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login():
    email = (request.form.get("email") or "").strip().lower()
    password = request.form.get("password") or ""
    with transaction() as cur:
        cur.execute("SELECT id, password_hash, role FROM users WHERE email = %s AND active", (email,))
        user = cur.fetchone()
    if user is None or not check_password_hash(user["password_hash"], password):  # ok: SEC009
        logger.info("failed login attempt from %s", request.remote_addr)
        flash("Email or password is incorrect.")
        return render_template("login.html", next=request.form.get("next", "")), 401

    session.clear()
    session["user_id"] = user["id"]
    session["role"] = user["role"]
    logger.info("user %s signed in", user["id"])
    next_path = request.form.get("next") or ""
    if not next_path.startswith("/") or next_path.startswith("//"):
        next_path = url_for("standings.index")
    return redirect(next_path)


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login_form"))
