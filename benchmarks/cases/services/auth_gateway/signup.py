"""Self-service sign-up for developer accounts on the API gateway."""
import hashlib
import logging
import os
import re
import secrets

from flask import Blueprint, jsonify, request

from .db import db
from .models import ApiKey, User

logger = logging.getLogger(__name__)

signup_bp = Blueprint("signup", __name__, url_prefix="/developers")

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
PASSWORD_PEPPER = os.environ.get("PASSWORD_PEPPER", "")


def _hash(password: str) -> str:
    return hashlib.sha256((password + PASSWORD_PEPPER).encode()).hexdigest()  # expect: SEC009


@signup_bp.route("/signup", methods=["POST"])
def signup():
    form = request.get_json(silent=True) or {}
    email = form.get("email", "").strip().lower()
    password = form.get("password", "")
    if not EMAIL_RE.match(email):
        return jsonify({"error": "invalid_email"}), 400
    if len(password) < 12:
        return jsonify({"error": "password_too_short"}), 400

    if User.query.filter_by(email=email).first() is not None:  # expect: DB005
        return jsonify({"error": "email_taken"}), 409

    user = User(email=email, password_hash=_hash(password), password_scheme="sha256", role="developer")
    db.session.add(user)
    db.session.flush()
    raw_key = "gw_" + secrets.token_urlsafe(32)
    db.session.add(ApiKey(user_id=user.id, prefix=raw_key[:10], key_hash=hashlib.sha256(raw_key.encode()).hexdigest()))  # ok: SEC009
    db.session.commit()
    logger.info("developer account %s created", user.id)
    return jsonify({"user_id": user.id, "api_key": raw_key}), 201
