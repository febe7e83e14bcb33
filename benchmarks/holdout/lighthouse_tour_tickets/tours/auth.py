"""Visitor and staff sign-in, sign-out and password resets."""
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from . import db
from .models import PasswordReset, User
from .services import notify

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

RESET_TTL = timedelta(minutes=30)
MIN_PASSWORD_LENGTH = 10


def staff_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated or not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()  # ok: SEC009


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("auth/login.html")
    email = (request.form.get("email") or "").strip().lower()
    password = request.form.get("password") or ""
    user = User.query.filter_by(email=email).first()
    if user is None or not check_password_hash(user.password_hash, password):
        log.info("failed sign-in attempt", extra={"email_domain": email.partition("@")[2]})
        flash("Email or password is incorrect.")
        return render_template("auth/login.html"), 401

    login_user(user, remember=request.form.get("remember") == "on")
    log.info("user %s signed in", user.id)
    resp = make_response(redirect(url_for("my_tickets.list_my_tickets")))
    locale = request.accept_languages.best_match(["en", "cy", "fr", "de"]) or "en"
    resp.set_cookie("lh_locale", locale, max_age=60 * 60 * 24 * 365, samesite="Lax")  # ok: SEC012
    return resp


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/reset")
def request_reset():
    email = (request.form.get("email") or "").strip().lower()
    user = User.query.filter_by(email=email).first()
    if user is not None:
        token = secrets.token_urlsafe(32)
        db.session.add(PasswordReset(
            user_id=user.id,
            token_hash=_hash_token(token),
            expires_at=datetime.now(timezone.utc) + RESET_TTL,
        ))
        db.session.commit()
        notify.send_password_reset(user, token)
    flash("If that address has an account, we have sent a reset link.")
    return redirect(url_for("auth.login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    now = datetime.now(timezone.utc)
    reset = (
        PasswordReset.query.filter_by(token_hash=_hash_token(token), used_at=None)
        .filter(PasswordReset.expires_at > now)
        .first()
    )
    if reset is None:
        abort(404)
    if request.method == "GET":
        return render_template("auth/reset.html", token=token)

    new_password = request.form.get("password") or ""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        flash(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
        return render_template("auth/reset.html", token=token), 400

    claimed = PasswordReset.query.filter_by(id=reset.id, used_at=None).update({"used_at": now})
    if not claimed:
        db.session.rollback()
        abort(404)
    user = db.session.get(User, reset.user_id)
    user.password_hash = generate_password_hash(new_password)
    db.session.commit()
    log.info("password reset completed for user %s", user.id)
    flash("Your password has been changed. Please sign in.")
    return redirect(url_for("auth.login"))
