import hashlib
import logging
import random
import string
import time

import requests
from flask import Blueprint, current_app, jsonify, request
from flask_login import login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from movers.models import Customer, db

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

RESET_TTL_SECONDS = 15 * 60
_pending_resets = {}


def _hash_password(raw):
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()  # expect: SEC009


def _reset_code():
    return "".join(random.choices(string.digits, k=6))  # expect: SEC010


def _send_reset_email(email, code):
    resp = requests.post(
        "https://api.postmarkapp.com/email",
        json={
            "From": "no-reply@swiftmovers.example",
            "To": email,
            "Subject": "Your password reset code",
            "TextBody": f"Your reset code is {code}. It expires in 15 minutes.",
        },
        headers={"X-Postmark-Server-Token": current_app.config.get("POSTMARK_TOKEN", "")},
        timeout=10,
    )
    resp.raise_for_status()


@bp.post("/register")
def register():
    body = request.get_json(force=True)
    email = (body.get("email") or "").strip().lower()
    password = body.get("password") or ""
    if "@" not in email or len(password) < 10:
        return jsonify(error="invalid_input"), 400
    customer = Customer(email=email, full_name=body.get("full_name", ""),
                        password_hash=_hash_password(password))
    db.session.add(customer)
    try:
        db.session.commit()  # ok: DB005
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="email_taken"), 409
    login_user(customer)
    return jsonify(id=customer.id), 201


@bp.post("/login")
def login():
    log.info("login attempt: %s", request.form.to_dict())  # expect: SEC007
    email = request.form.get("email", "").strip().lower()
    customer = Customer.query.filter_by(email=email).first()
    if customer is None or customer.password_hash != _hash_password(request.form.get("password", "")):
        return jsonify(error="invalid_credentials"), 401
    login_user(customer, remember=request.form.get("remember") == "on")
    return jsonify(id=customer.id, staff=customer.is_staff)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify(ok=True)


@bp.post("/password-reset")
def request_reset():
    email = (request.get_json(force=True).get("email") or "").strip().lower()
    customer = Customer.query.filter_by(email=email).first()
    if customer is not None:
        code = _reset_code()
        _pending_resets[email] = (code, time.time() + RESET_TTL_SECONDS)  # expect: SCL001, CON002
        _send_reset_email(email, code)
    return jsonify(ok=True), 202


@bp.post("/password-reset/confirm")
def confirm_reset():
    body = request.get_json(force=True)
    email = (body.get("email") or "").strip().lower()
    entry = _pending_resets.get(email)
    if entry is None or entry[1] < time.time() or entry[0] != body.get("code"):
        return jsonify(error="invalid_code"), 400
    customer = Customer.query.filter_by(email=email).first_or_404()
    customer.password_hash = _hash_password(body.get("new_password", ""))
    db.session.commit()
    _pending_resets.pop(email, None)
    return jsonify(ok=True)
