"""Sign-in, sign-out and password reset for owners and staff."""
import hashlib
import logging
import secrets
from datetime import datetime, timedelta

import requests
from celery import shared_task
from flask import Blueprint, current_app, jsonify, request
from flask_login import login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from kennels import db
from kennels.models import Owner

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

RESET_TTL = timedelta(minutes=30)
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


@bp.post("/login")
def login():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").strip().lower()
    owner = Owner.query.filter_by(email=email).first()
    candidate = owner.password_hash if owner else _DUMMY_HASH
    if not check_password_hash(candidate, payload.get("password", "")) or owner is None:
        log.info("failed sign-in for account id %s", owner.id if owner else None)
        return jsonify(error="invalid email or password"), 401
    login_user(owner, remember=bool(payload.get("remember")))
    return jsonify(id=owner.id, role=owner.role)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify(status="signed out")


@bp.post("/password-reset")
def request_reset():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    owner = Owner.query.filter_by(email=email).first()
    if owner is not None:
        token = secrets.token_urlsafe(32)
        owner.reset_token_hash = _token_digest(token)
        owner.reset_token_expires = datetime.utcnow() + RESET_TTL
        db.session.commit()
        send_reset_email.delay(owner.id, token)
    return jsonify(status="if the address is registered, a reset link is on its way"), 202


@bp.post("/password-reset/confirm")
def confirm_reset():
    payload = request.get_json(silent=True) or {}
    token, new_password = payload.get("token", ""), payload.get("password", "")
    if len(new_password) < 10:
        return jsonify(error="password must be at least 10 characters"), 400
    owner = Owner.query.filter_by(reset_token_hash=_token_digest(token)).first()
    if owner is None or owner.reset_token_expires < datetime.utcnow():
        return jsonify(error="reset link is invalid or has expired"), 400
    owner.password_hash = generate_password_hash(new_password)
    owner.reset_token_hash = None
    owner.reset_token_expires = None
    db.session.commit()
    return jsonify(status="password updated")


@shared_task(autoretry_for=(requests.ConnectionError, requests.Timeout),
             retry_backoff=True, max_retries=3)
def send_reset_email(owner_id: int, token: str) -> None:
    owner = db.session.get(Owner, owner_id)
    resp = requests.post(
        current_app.config["RECEIPT_MAILER_URL"].replace("/receipts", "/messages"),
        json={"to": owner.email, "template": "password_reset",
              "data": {"link": f"https://pawsbury.example/reset?token={token}"}},
        timeout=(3.05, 10),
    )
    resp.raise_for_status()
