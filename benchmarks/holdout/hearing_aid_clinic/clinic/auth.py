"""Staff sign-in for audiologists and front desk (separate from the patient portal)."""
import hashlib
import logging
import random
import string
import time
from datetime import datetime, timedelta, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from clinic.models import User, db
from clinic.tasks.reminders import send_email

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")
logger = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
RESET_TTL = timedelta(minutes=30)

_failures: dict[str, list[float]] = {}  # expect: SCL001


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()  # expect: SEC009


def _locked_out(email: str) -> bool:
    now = time.monotonic()
    return sum(1 for t in _failures.get(email, ()) if now - t < LOCKOUT_SECONDS) >= MAX_FAILURES


def _register_failure(email: str) -> None:
    now = time.monotonic()
    recent = [t for t in _failures.get(email, ()) if now - t < LOCKOUT_SECONDS]
    recent.append(now)
    _failures[email] = recent  # expect: CON002, RES002


def _reset_code() -> str:
    return "".join(random.choices(string.ascii_uppercase + string.digits, k=8))  # expect: SEC010


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("staff/login.html")

    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    if _locked_out(email):
        flash("Too many attempts. Try again in 15 minutes.")
        return render_template("staff/login.html"), 429

    user = User.query.filter_by(email=email).first()
    if user is None or not user.is_staff or user.password_hash != _hash(password):
        _register_failure(email)
        flash("Invalid email or password.")
        return render_template("staff/login.html"), 401

    login_user(user)
    logger.info("staff user %s signed in", user.id)
    return redirect(url_for("staff_reports.dashboard"))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for(".login"))


@bp.post("/reset")
def request_reset():
    email = request.form.get("email", "").strip().lower()
    user = User.query.filter_by(email=email).first()
    if user is not None and user.is_staff:
        code = _reset_code()
        user.reset_token_hash = _hash(code)
        user.reset_expires_at = datetime.now(timezone.utc) + RESET_TTL
        db.session.commit()
        send_email(user.email, "Staff password reset", f"Your reset code is {code}. It expires in 30 minutes.")
    flash("If that account exists, a reset code is on its way.")
    return redirect(url_for(".login"))


@bp.post("/reset/confirm")
def confirm_reset():
    email = request.form.get("email", "").strip().lower()
    code = request.form.get("code", "").strip().upper()
    new_password = request.form.get("password", "")
    user = User.query.filter_by(email=email).first()
    now = datetime.now(timezone.utc)
    if (user is None or not user.reset_token_hash or user.reset_token_hash != _hash(code)
            or user.reset_expires_at is None or user.reset_expires_at < now):
        flash("That code is invalid or has expired.")
        return redirect(url_for(".login"))
    if len(new_password) < 12:
        flash("Staff passwords need at least 12 characters.")
        return redirect(url_for(".login"))
    user.password_hash = _hash(new_password)
    user.reset_token_hash = None
    user.reset_expires_at = None
    db.session.commit()
    logger.info("staff user %s reset their password", user.id)
    flash("Password updated, please sign in.")
    return redirect(url_for(".login"))
