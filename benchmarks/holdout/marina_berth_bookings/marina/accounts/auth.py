"""Berth-holder accounts: sign-up, login and pontoon gate codes."""
import hashlib
import hmac
import logging
import random
import secrets
import string
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from marina.models import Owner, db

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/api/auth")

GATE_CODE_TTL = timedelta(hours=24)


def hash_password(raw):
    pepper = current_app.config["PASSWORD_PEPPER"]
    return hashlib.sha256((pepper + raw).encode("utf-8")).hexdigest()  # expect: SEC009


def verify_password(owner, raw):
    return hmac.compare_digest(owner.password_hash, hash_password(raw))


@bp.post("/register")
def register():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    password = data.get("password") or ""
    if "@" not in email or len(password) < 10:
        return jsonify(error="invalid_signup", detail="valid email and 10+ character password required"), 400
    owner = Owner(email=email, name=data.get("name", "")[:120], phone=data.get("phone"),
                  password_hash=hash_password(password))
    db.session.add(owner)
    try:
        db.session.commit()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="email_taken"), 409
    login_user(owner)
    log.info("owner registered id=%s", owner.id)
    return jsonify(id=owner.id), 201


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    owner = Owner.query.filter_by(email=(data.get("email") or "").strip().lower()).first()
    if owner is None or not verify_password(owner, data.get("password") or ""):
        log.info("failed login for email hash=%s",
                 hashlib.sha256((data.get("email") or "").encode()).hexdigest()[:12])  # ok: SEC009
        return jsonify(error="invalid_credentials"), 401
    login_user(owner)
    response = jsonify(id=owner.id, name=owner.name)
    if data.get("remember"):
        device_token = secrets.token_urlsafe(32)
        response.set_cookie("marina_device", device_token, max_age=60 * 60 * 24 * 30)  # expect: SEC012
    return response


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    response = jsonify(status="logged_out")
    response.delete_cookie("marina_device")
    return response


@bp.post("/gate-code")
@login_required
def issue_gate_code():
    code = "".join(random.choice(string.digits) for _ in range(6))  # expect: SEC010
    expires = datetime.now(timezone.utc) + GATE_CODE_TTL
    current_app.extensions["gate_codes"].register(current_user.id, code, expires)
    log.info("gate code issued owner=%s expires=%s", current_user.id, expires.isoformat())
    return jsonify(code=code, expires_at=expires.isoformat())
