"""Patient portal sign-in, sign-out and password reset."""
import hashlib
import logging
import random
import secrets
import time
from datetime import datetime, timedelta, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from clinic.models import User, db
from clinic.tasks.reminders import send_email

bp = Blueprint("portal_account", __name__, url_prefix="/portal")
logger = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
RESET_TTL = timedelta(hours=1)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()  # ok: SEC009


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("portal/login.html")

    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    now = datetime.now(timezone.utc)
    user = db.session.scalar(select(User).where(User.email == email, User.role == "patient"))

    if user is not None and user.locked_until and user.locked_until > now:
        flash("Too many attempts. Please try again later or reset your password.")
        return render_template("portal/login.html"), 429

    if user is None or not check_password_hash(user.password_hash, password):
        time.sleep(random.uniform(0.05, 0.2))  # ok: SEC010
        if user is not None:
            db.session.execute(
                update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)  # ok: DB004
            )
            db.session.execute(
                update(User)
                .where(User.id == user.id, User.failed_logins >= MAX_FAILURES)
                .values(locked_until=now + LOCKOUT, failed_logins=0)
            )
            db.session.commit()
        flash("Invalid email or password.")
        return render_template("portal/login.html"), 401

    db.session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=None))
    db.session.commit()
    login_user(user, remember=request.form.get("remember") == "on")
    logger.info("patient user %s signed in", user.id)
    return redirect(url_for("portal_audiograms.list_audiograms"))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for(".login"))


@bp.post("/reset")
def request_reset():
    email = request.form.get("email", "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == email, User.role == "patient"))
    if user is not None:
        token = secrets.token_urlsafe(32)
        user.reset_token_hash = _token_digest(token)
        user.reset_expires_at = datetime.now(timezone.utc) + RESET_TTL
        db.session.commit()
        link = url_for(".reset_password", token=token, _external=True)
        send_email(user.email, "Reset your hearing portal password", f"Use this link within an hour: {link}")
    flash("If that address is registered, we've emailed you a reset link.")
    return redirect(url_for(".login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = db.session.scalar(select(User).where(User.reset_token_hash == _token_digest(token)))
    if user is None or user.reset_expires_at is None or user.reset_expires_at < datetime.now(timezone.utc):
        flash("That reset link is invalid or has expired.")
        return redirect(url_for(".login"))
    if request.method == "GET":
        return render_template("portal/reset.html", token=token)

    password = request.form.get("password", "")
    if len(password) < 10:
        flash("Please choose a password of at least 10 characters.")
        return render_template("portal/reset.html", token=token), 400
    user.password_hash = generate_password_hash(password)
    user.reset_token_hash = None
    user.reset_expires_at = None
    db.session.commit()
    flash("Your password has been changed. Please sign in.")
    return redirect(url_for(".login"))
