import logging
import random
import string
from datetime import datetime, timedelta, timezone

import requests
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from models import Member, db

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

MAX_FAILURES = 5
_failed_logins = {}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("auth/login.html")
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")

    if _failed_logins.get(email, 0) >= MAX_FAILURES:
        return render_template("auth/login.html", error="Too many attempts, try later."), 429

    member = Member.query.filter_by(email=email).first()
    if member is None or not check_password_hash(member.password_hash, password):
        _failed_logins[email] = _failed_logins.get(email, 0) + 1  # expect: SCL001, CON002
        log.warning("failed login for %s: %s", email, request.form.to_dict())  # expect: SEC007
        return render_template("auth/login.html", error="Wrong email or password."), 401

    _failed_logins.pop(email, None)
    login_user(member, remember=request.form.get("remember") == "on")
    log.info("member %s logged in", member.id)
    return redirect(request.args.get("next") or url_for("classes.upcoming"))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/password/forgot")
def forgot_password():
    email = (request.get_json(silent=True) or {}).get("email", "").strip().lower()
    member = Member.query.filter_by(email=email).first()
    if member is not None:
        member.reset_code = "".join(random.choices(string.digits, k=6))  # expect: SEC010
        member.reset_expires = datetime.now(timezone.utc) + timedelta(minutes=30)
        db.session.commit()
        cfg = current_app.config
        requests.post(
            cfg["MAIL_API_URL"],
            headers={"X-Postmark-Server-Token": cfg["MAIL_API_TOKEN"]},
            json={"From": cfg["MAIL_FROM"], "To": member.email,
                  "Subject": "Your Claybody reset code",
                  "TextBody": f"Your reset code is {member.reset_code}. It expires in 30 minutes."},
            timeout=10,
        )
    return jsonify(status="If that address has an account, we sent a code.")


@bp.post("/password/reset")
def reset_password():
    payload = request.get_json(silent=True) or {}
    member = Member.query.filter_by(email=str(payload.get("email", "")).lower()).first()
    now = datetime.now(timezone.utc)
    if (
        member is None
        or not member.reset_code
        or member.reset_code != payload.get("code")
        or member.reset_expires < now
    ):
        return jsonify(error="invalid or expired code"), 400
    new_password = payload.get("password", "")
    if len(new_password) < 10:
        return jsonify(error="password must be at least 10 characters"), 400
    member.password_hash = generate_password_hash(new_password)
    member.reset_code = None
    member.reset_expires = None
    db.session.commit()
    log.info("member %s reset their password", member.id)
    return jsonify(status="password updated")
