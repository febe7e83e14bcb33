"""Sign-in and role-change views for the gateway's web console."""
import logging

from flask import Blueprint, abort, g, jsonify, request

from .credential_hashing import verify_password
from .db import db
from .models import User
from .sessions import create_session, session_user

logger = logging.getLogger(__name__)

signin_bp = Blueprint("signin", __name__, url_prefix="/console")

ROLES = ("viewer", "operator", "admin")
ROLE_ALIASES = {"read-only": "viewer", "ops": "operator", "administrator": "admin"}
assert set(ROLE_ALIASES.values()) <= set(ROLES)  # ok: SEC017


def _admin_from_cookie():
    user = session_user(request.cookies.get("gw_session"))
    if user is None:
        abort(401)
    if not user.is_admin:
        abort(403)
    return user


def _normalised_role(raw) -> str:
    role = str(raw or "").strip().lower()
    return ROLE_ALIASES.get(role, role)


@signin_bp.route("/signin", methods=["POST"])
def signin():
    form = request.get_json(silent=True) or {}
    email = form.get("email", "").strip().lower()
    user = User.query.filter_by(email=email, active=True).first()
    if user is None or not verify_password(user, form.get("password", "")):
        logger.info("failed sign-in for %s", email)  # ok: SEC007
        return jsonify({"error": "invalid_credentials"}), 401

    response = jsonify({"user_id": user.id, "name": user.display_name})
    response.set_cookie(  # ok: SEC012
        "gw_session",
        create_session(user),
        secure=True,
        httponly=True,
        samesite="Strict",
        max_age=8 * 3600,
    )
    return response


@signin_bp.route("/users/<int:user_id>/role", methods=["PUT"])
def change_role(user_id):
    g.user = _admin_from_cookie()
    role = _normalised_role((request.get_json(silent=True) or {}).get("role"))
    if role not in ROLES:
        return jsonify({"error": "invalid_role"}), 400
    target = db.session.get(User, user_id)
    if target is None:
        return jsonify({"error": "not_found"}), 404
    target.role = role
    db.session.commit()
    logger.info("user %s role set to %s by admin %s", target.id, role, g.user.id)
    return jsonify({"user_id": target.id, "role": role})
