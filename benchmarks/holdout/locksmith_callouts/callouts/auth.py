"""Login and token checks for customers, locksmiths and dispatchers."""
import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta, timezone
from functools import wraps

import jwt
from flask import Blueprint, current_app, g, jsonify, request

from .models import Customer, Locksmith, db

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/api/auth")


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256((salt + password).encode("utf-8")).hexdigest()  # expect: SEC009
    return f"{salt}${digest}"


def check_password(password: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_password(password, salt), stored)


def issue_token(subject_id: int, role: str) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(subject_id),
        "role": role,
        "iat": now,
        "exp": now + timedelta(minutes=current_app.config["JWT_TTL_MINUTES"]),
    }
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm="HS256")


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:]
    return None


def _verified_claims(token: str) -> dict:
    return jwt.decode(token, current_app.config["JWT_SECRET"], algorithms=["HS256"])


def require_customer(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = _bearer()
        try:
            claims = _verified_claims(token or "")
        except jwt.InvalidTokenError:
            return jsonify(error="unauthorized"), 401
        if claims.get("role") != "customer":
            return jsonify(error="forbidden"), 403
        g.identity_id = int(claims["sub"])
        return view(*args, **kwargs)
    return wrapper


def require_role(role: str):
    """Guard for staff routes (dispatcher, admin). Locksmith app uses the same tokens."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = _bearer()
            if not token:
                return jsonify(error="unauthorized"), 401
            claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
            if claims.get("role") != role:
                return jsonify(error="forbidden"), 403
            g.identity_id = int(claims["sub"])
            return view(*args, **kwargs)
        return wrapper
    return decorator


require_locksmith = require_role("locksmith")


@bp.post("/login")
def login():
    data = request.get_json(silent=True) or {}
    email = (data.get("email") or "").strip().lower()
    password = data.get("password") or ""
    kind = data.get("kind", "customer")
    model = {"customer": Customer, "locksmith": Locksmith}.get(kind)
    if model is None or not email or not password:
        return jsonify(error="email, password and a valid kind are required"), 400

    user = db.session.execute(db.select(model).filter_by(email=email)).scalar_one_or_none()
    if user is None or not check_password(password, user.password_hash):
        logger.info("failed login kind=%s", kind)
        return jsonify(error="invalid credentials"), 401
    return jsonify(token=issue_token(user.id, kind), expires_in=current_app.config["JWT_TTL_MINUTES"] * 60)
