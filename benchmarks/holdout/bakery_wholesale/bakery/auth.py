"""Sign-in for café staff and drivers, plus password resets."""
import hashlib
import logging
import random
import secrets
import string
import time
from datetime import datetime, timedelta, timezone

from flask import Blueprint, jsonify, make_response, request
from flask_login import login_required, login_user, logout_user

from bakery.app import db, login_manager
from bakery.models import PasswordReset, User
from bakery.tasks import send_email

auth_bp = Blueprint("auth", __name__, url_prefix="/auth")
logger = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60
DRIVER_TOKEN_DAYS = 30

_failed_logins: dict[str, list[float]] = {}


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()  # ok: SEC009


@login_manager.request_loader
def load_driver_from_cookie(req):
    token = req.cookies.get("driver_token")
    if not token:
        return None
    return User.query.filter_by(api_token_hash=token_digest(token), role="driver").first()


def _is_locked_out(email: str) -> bool:
    now = time.time()
    recent = [t for t in _failed_logins.get(email, []) if now - t < LOCKOUT_SECONDS]
    return len(recent) >= MAX_FAILED_LOGINS


def _check_credentials(email: str, password: str):
    user = User.query.filter_by(email=email).first()
    if user is None or user.password_hash != hash_password(password):
        _failed_logins.setdefault(email, []).append(time.time())  # expect: SCL001
        return None
    _failed_logins.pop(email, None)
    return user


@auth_bp.post("/login")
def login():
    data = request.get_json(force=True)
    email = (data.get("email") or "").strip().lower()
    if _is_locked_out(email):
        return jsonify(error="too many attempts, try again later"), 429
    user = _check_credentials(email, data.get("password") or "")
    if user is None:
        return jsonify(error="invalid email or password"), 401
    login_user(user, remember=bool(data.get("remember")))
    return jsonify(id=user.id, role=user.role)


@auth_bp.post("/driver/login")
def driver_login():
    data = request.get_json(force=True)
    email = (data.get("email") or "").strip().lower()
    if _is_locked_out(email):
        return jsonify(error="too many attempts, try again later"), 429
    user = _check_credentials(email, data.get("password") or "")
    if user is None or user.role != "driver":
        return jsonify(error="invalid email or password"), 401
    token = secrets.token_urlsafe(32)  # ok: SEC010
    user.api_token_hash = token_digest(token)
    db.session.commit()
    resp = make_response(jsonify(id=user.id))
    resp.set_cookie(  # ok: SEC012
        "driver_token", token, max_age=DRIVER_TOKEN_DAYS * 86400, secure=True, httponly=True, samesite="Lax"
    )
    return resp


@auth_bp.post("/logout")
@login_required
def logout():
    logout_user()
    resp = make_response(jsonify(status="signed out"))
    resp.delete_cookie("driver_token")
    return resp


@auth_bp.post("/password-reset")
def request_password_reset():
    email = (request.get_json(force=True).get("email") or "").strip().lower()
    user = User.query.filter_by(email=email).first()
    if user is not None:
        code = "".join(random.choices(string.ascii_uppercase + string.digits, k=8))  # expect: SEC010
        db.session.add(
            PasswordReset(
                user_id=user.id,
                code=code,
                expires_at=datetime.now(timezone.utc) + timedelta(minutes=30),
            )
        )
        db.session.commit()
        logger.info("password reset issued user_id=%s", user.id)
        send_email.delay(user.email, "Reset your Crumb & Co password", f"Your reset code is {code}")
    return jsonify(status="if the address exists, a code has been sent"), 202


@auth_bp.post("/password-reset/confirm")
def confirm_password_reset():
    data = request.get_json(force=True)
    new_password = data.get("new_password") or ""
    if len(new_password) < 10:
        return jsonify(error="password must be at least 10 characters"), 400
    reset = PasswordReset.query.filter_by(code=(data.get("code") or "").upper(), used=False).first()
    if reset is None or reset.expires_at < datetime.now(timezone.utc):
        return jsonify(error="code is invalid or has expired"), 400
    user = db.session.get(User, reset.user_id)
    user.password_hash = hash_password(new_password)
    user.api_token_hash = None
    reset.used = True
    db.session.commit()
    return jsonify(status="password changed")
