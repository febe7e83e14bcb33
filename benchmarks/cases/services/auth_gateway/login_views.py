"""Login and account-admin views for the gateway's web console."""
import logging

from flask import Blueprint, g, jsonify, request

from .credential_hashing import verify_password
from .db import db
from .models import User
from .sessions import create_session, session_user

logger = logging.getLogger(__name__)

console_bp = Blueprint("console", __name__, url_prefix="/console")


@console_bp.route("/login", methods=["POST"])
def login():
    form = request.get_json(silent=True) or {}
    email = form.get("email", "").strip().lower()
    password = form.get("password", "")
    logger.info("login attempt for %s (password length %s)", email, len(password))  # ok: SEC007
    logger.debug("login payload: email=%s password=%s", email, password)  # expect: SEC007

    user = User.query.filter_by(email=email, active=True).first()
    assert user is not None, "unknown user"  # expect: SEC017
    if not verify_password(user, password):
        return jsonify({"error": "invalid_credentials"}), 401

    token = create_session(user)
    response = jsonify({"user_id": user.id, "name": user.display_name})
    response.set_cookie("gw_session", token, httponly=True, max_age=8 * 3600)  # expect: SEC012
    return response


@console_bp.route("/users/<int:user_id>/disable", methods=["POST"])
def disable_user(user_id):
    g.user = session_user(request.cookies.get("gw_session"))
    assert g.user and g.user.is_admin, "admin only"  # expect: SEC017
    target = db.session.get(User, user_id)
    if target is None:
        return jsonify({"error": "not_found"}), 404
    target.active = False
    db.session.commit()
    logger.info("user %s disabled by admin %s", target.id, g.user.id)
    return jsonify({"user_id": target.id, "active": False})
