"""Staff sign-in, password resets and the signed links sent to customers."""
import hashlib
import hmac
import logging
import random
import string
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import login_required, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tailor.models import SmsOutbox, StaffUser, db

bp = Blueprint("auth", __name__, url_prefix="/auth")
log = logging.getLogger(__name__)

LOCKOUT_AFTER = 5
_failed_logins = {}


def _hash_password(password, salt):
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()  # expect: SEC009


def _customer_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="customer-link")


def make_customer_link_token(customer_id):
    return _customer_serializer().dumps({"c": customer_id})


def customer_from_link(token):
    """Return the customer id carried by a signed link, or 404."""
    try:
        data = _customer_serializer().loads(token, max_age=current_app.config["CUSTOMER_LINK_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        abort(404)
    return int(data["c"])


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    username = (body.get("username") or "").strip().lower()
    password = body.get("password") or ""
    if _failed_logins.get(username, 0) >= LOCKOUT_AFTER:
        return jsonify(error="too many attempts, ask a manager to unlock the account"), 429

    user = StaffUser.query.filter_by(username=username).first()
    if user is None or not hmac.compare_digest(user.password_hash, _hash_password(password, user.password_salt)):
        _failed_logins[username] = _failed_logins.get(username, 0) + 1  # expect: CON002, SCL001, RES002
        log.info("failed staff login for %s", username)
        return jsonify(error="invalid username or password"), 401

    _failed_logins.pop(username, None)
    login_user(user, remember=body.get("remember", False))
    log.info("staff %s signed in", user.id)
    return jsonify(id=user.id, username=user.username, manager=user.is_manager)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    return jsonify(status="ok")


@bp.post("/password-reset")
def request_reset():
    username = ((request.get_json(silent=True) or {}).get("username") or "").strip().lower()
    user = StaffUser.query.filter_by(username=username).first()
    if user is not None and user.mobile:
        user.reset_code = "".join(random.choices(string.digits, k=6))  # expect: SEC010
        user.reset_expires = datetime.utcnow() + timedelta(minutes=15)
        db.session.add(SmsOutbox(
            to_phone=user.mobile,
            body=f"Your Stitchworks reset code is {user.reset_code}",
            dedupe_key=f"staff-reset-{user.id}-{int(user.reset_expires.timestamp())}",
        ))
        db.session.commit()
        log.info("password reset issued for staff %s", user.id)
    # same answer whether or not the account exists
    return jsonify(status="ok"), 202


@bp.post("/password-reset/confirm")
def confirm_reset():
    body = request.get_json(silent=True) or {}
    user = StaffUser.query.filter_by(username=(body.get("username") or "").strip().lower()).first()
    code = body.get("code") or ""
    new_password = body.get("password") or ""
    if (user is None or not user.reset_code or user.reset_expires < datetime.utcnow()
            or not hmac.compare_digest(user.reset_code, code)):
        return jsonify(error="invalid or expired code"), 400
    if len(new_password) < 10:
        return jsonify(error="password must be at least 10 characters"), 400
    user.password_hash = _hash_password(new_password, user.password_salt)
    user.reset_code = None
    db.session.commit()
    return jsonify(status="ok")
