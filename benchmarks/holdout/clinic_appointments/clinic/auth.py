import datetime as dt
import logging
import secrets
from functools import wraps

import bcrypt
import jwt
from flask import Blueprint, current_app, g, jsonify, make_response, request

from clinic.staff import find_staff_by_email

bp = Blueprint("auth", __name__, url_prefix="/api/auth")
logger = logging.getLogger(__name__)

SESSION_COOKIE = "clinic_session"
SESSION_MINUTES = 30


def _issue_token(user_id: int, role: str) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    claims = {
        "sub": str(user_id),
        "role": role,
        "iat": now,
        "exp": now + dt.timedelta(minutes=SESSION_MINUTES),
        "jti": secrets.token_hex(16),  # ok: SEC010
    }
    return jwt.encode(claims, current_app.config["JWT_SIGNING_KEY"], algorithm="HS256")


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def require_auth(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = request.cookies.get(SESSION_COOKIE) or _bearer_token()
            if not token:
                return jsonify(error="authentication required"), 401
            try:
                claims = jwt.decode(
                    token,
                    current_app.config["JWT_SIGNING_KEY"],
                    algorithms=["HS256"],  # ok: SEC008
                    options={"require": ["exp", "sub", "role"]},
                )
            except jwt.InvalidTokenError:
                return jsonify(error="invalid or expired session"), 401
            if roles and claims["role"] not in roles:
                return jsonify(error="forbidden"), 403
            g.user_id = int(claims["sub"])
            g.role = claims["role"]
            return view(*args, **kwargs)

        return wrapper

    return decorator


@bp.post("/login")
def staff_login():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    password = str(body.get("password", ""))
    user = find_staff_by_email(email)
    if user is None or not bcrypt.checkpw(password.encode("utf-8"), user.password_hash):  # ok: SEC009
        logger.info("staff login rejected email_domain=%s", email.rpartition("@")[2])
        return jsonify(error="invalid email or password"), 401

    resp = make_response(jsonify(user_id=user.id, role=user.role))
    resp.set_cookie(  # ok: SEC012
        SESSION_COOKIE,
        _issue_token(user.id, user.role),
        max_age=SESSION_MINUTES * 60,
        secure=True,
        httponly=True,
        samesite="Strict",
    )
    logger.info("staff login user_id=%s role=%s", user.id, user.role)
    return resp


@bp.post("/logout")
def logout():
    resp = make_response("", 204)
    resp.delete_cookie(SESSION_COOKIE, secure=True, httponly=True, samesite="Strict")
    return resp
