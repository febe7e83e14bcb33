"""Customer and staff login, registration and role checks."""
import logging
from functools import wraps

from flask import Blueprint, abort, jsonify, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from . import db, login_manager
from .models import Customer

bp = Blueprint("auth", __name__, url_prefix="/auth")
logger = logging.getLogger(__name__)

# Storage comes from RATELIMIT_STORAGE_URI (Redis in production).
limiter = Limiter(key_func=get_remote_address)  # ok: SCL001

MIN_PASSWORD_LENGTH = 10


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(Customer, int(user_id))


@login_manager.unauthorized_handler
def unauthorized():
    return jsonify(error="login required"), 401


def role_required(*roles):
    """Allow the view only for logged-in users whose role is one of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.post("/register")
@limiter.limit("5 per minute")
def register():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").strip().lower()
    full_name = (payload.get("full_name") or "").strip()
    password = payload.get("password") or ""
    if "@" not in email or not full_name:
        return jsonify(error="email and full_name are required"), 400
    if len(password) < MIN_PASSWORD_LENGTH:
        return jsonify(error=f"password must be at least {MIN_PASSWORD_LENGTH} characters"), 400

    customer = Customer(email=email, full_name=full_name[:120], phone=payload.get("phone"))
    customer.set_password(password)
    db.session.add(customer)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="an account with that email already exists"), 409
    login_user(customer)
    logger.info("customer %s registered", customer.id)
    return jsonify(id=customer.id, name=customer.full_name), 201


@bp.post("/login")
@limiter.limit("10 per minute")
def login():
    payload = request.get_json(silent=True) or {}
    email = (payload.get("email") or "").strip().lower()
    password = payload.get("password") or ""
    user = db.session.execute(db.select(Customer).filter_by(email=email)).scalar_one_or_none()
    if user is None or not user.check_password(password):
        logger.info("failed login from %s", get_remote_address())
        return jsonify(error="invalid email or password"), 401
    login_user(user, remember=bool(payload.get("remember")))
    logger.info("customer %s logged in", user.id)
    return jsonify(id=user.id, name=user.full_name, role=user.role)


@bp.post("/logout")
@login_required
def logout():
    logger.info("customer %s logged out", current_user.id)
    logout_user()
    return jsonify(status="logged out")
