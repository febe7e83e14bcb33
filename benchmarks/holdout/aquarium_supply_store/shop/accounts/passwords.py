"""Password change and e-mailed reset links for the web storefront."""
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from werkzeug.security import check_password_hash, generate_password_hash

from shop.models import Customer, db
from shop.tasks.notifications import send_email

bp = Blueprint("passwords", __name__, url_prefix="/account/password")
log = logging.getLogger(__name__)

RESET_TTL = timedelta(hours=1)


def _throttled(key: str, limit: int, window_seconds: int) -> bool:
    r = current_app.extensions["redis"]
    pipe = r.pipeline()
    pipe.incr(key)
    pipe.expire(key, window_seconds, nx=True)
    count, _ = pipe.execute()  # ok: SCL001
    return count > limit


def _token_digest(token: str) -> str:
    # reset tokens are 256-bit random values, a fast digest is enough to store them
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


@bp.post("/reset-link")
def send_reset_link():
    email = ((request.get_json(silent=True) or {}).get("email") or "").strip().lower()
    if _throttled(f"reset-link:{email}", limit=3, window_seconds=3600):
        return jsonify(status="sent_if_registered"), 202
    customer = Customer.query.filter_by(email=email).first()
    if customer is not None:
        token = secrets.token_urlsafe(32)  # ok: SEC010
        customer.reset_token_hash = _token_digest(token)
        customer.reset_token_expires = datetime.now(timezone.utc) + RESET_TTL
        db.session.commit()
        send_email.delay(customer.id, "password_reset", {"link_token": token})
    return jsonify(status="sent_if_registered"), 202


@bp.post("/reset")
def reset_password():
    data = request.get_json(silent=True) or {}
    token, new_password = data.get("token") or "", data.get("password") or ""
    if len(new_password) < 10:
        return jsonify(error="weak_password"), 400
    customer = Customer.query.filter_by(reset_token_hash=_token_digest(token)).first()
    if customer is None or customer.reset_token_expires < datetime.now(timezone.utc):
        return jsonify(error="invalid_or_expired_token"), 400
    customer.password_hash = generate_password_hash(new_password, method="scrypt")
    customer.reset_token_hash = None
    customer.reset_token_expires = None
    db.session.commit()
    log.info("password reset customer=%s", customer.id)
    return jsonify(status="password_updated")


@bp.post("/change")
@login_required
def change_password():
    if _throttled(f"pw-change:{current_user.id}", limit=5, window_seconds=900):
        return jsonify(error="too_many_attempts"), 429
    data = request.get_json(silent=True) or {}
    if not check_password_hash(current_user.password_hash, data.get("current_password") or ""):
        return jsonify(error="invalid_credentials"), 403
    if len(data.get("new_password") or "") < 10:
        return jsonify(error="weak_password"), 400
    current_user.password_hash = generate_password_hash(data["new_password"], method="scrypt")
    db.session.commit()
    log.info("password changed customer=%s", current_user.id)
    return jsonify(status="password_updated")
