"""Sign-up, sign-in and the six-digit reset code used by the mobile app."""
import hashlib
import logging
import random
import time
from datetime import datetime, timedelta, timezone

from flask import Blueprint, jsonify, request
from flask_login import login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from shop.models import Customer, db
from shop.tasks.notifications import send_email

bp = Blueprint("auth", __name__, url_prefix="/auth")
log = logging.getLogger(__name__)

LOCKOUT_AFTER = 5
LOCKOUT_SECONDS = 15 * 60
_failed_logins = {}


def _hash_password(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()  # expect: SEC009


def _normalise_email(value) -> str:
    return (value or "").strip().lower()


@bp.post("/register")
def register():
    data = request.get_json(silent=True) or {}
    email = _normalise_email(data.get("email"))
    password = data.get("password") or ""
    if "@" not in email or len(password) < 10:
        return jsonify(error="invalid_request", message="valid email and a 10+ character password required"), 400
    if Customer.query.filter_by(email=email).first() is not None:  # ok: DB005
        return jsonify(error="email_taken"), 409
    customer = Customer(email=email, password_hash=_hash_password(password), full_name=data.get("name"))
    db.session.add(customer)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="email_taken"), 409
    login_user(customer)
    return jsonify(id=customer.id, email=customer.email), 201


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = _normalise_email(data.get("email"))
    attempts, first_failed = _failed_logins.get(email, (0, time.monotonic()))
    if attempts >= LOCKOUT_AFTER and time.monotonic() - first_failed < LOCKOUT_SECONDS:
        return jsonify(error="too_many_attempts"), 429

    customer = Customer.query.filter_by(email=email).first()
    if customer is None or customer.password_hash != _hash_password(data.get("password") or ""):
        _failed_logins[email] = (attempts + 1, first_failed)  # expect: CON002, SCL001, RES002
        return jsonify(error="invalid_credentials"), 401

    _failed_logins.pop(email, None)
    login_user(customer, remember=bool(data.get("remember")))
    log.info("login customer=%s", customer.id)
    return jsonify(id=customer.id, email=customer.email)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify(status="signed_out")


@bp.post("/reset-code")
def request_reset_code():
    email = _normalise_email((request.get_json(silent=True) or {}).get("email"))
    customer = Customer.query.filter_by(email=email).first()
    if customer is not None:
        code = "".join(random.choices("0123456789", k=6))  # expect: SEC010
        customer.reset_token_hash = hashlib.sha256(code.encode()).hexdigest()
        customer.reset_token_expires = datetime.now(timezone.utc) + timedelta(minutes=30)
        db.session.commit()
        send_email.delay(customer.id, "password_reset", {"code": code})
    return jsonify(status="sent_if_registered"), 202
