"""Who is calling: warehouse staff / customer portal sessions and sensor gateways."""
import hashlib
import hmac
import logging
import time
from datetime import datetime, timedelta, timezone
from functools import wraps

import jwt
from flask import Blueprint, abort, current_app, g, jsonify, make_response, request

logger = logging.getLogger(__name__)

bp = Blueprint("session", __name__, url_prefix="/session")

COOKIE = "cc_session"
STAFF_ROLES = {"operator", "supervisor", "admin"}
GATEWAY_SKEW_S = 300


def _config():
    return current_app.extensions["coldchain_config"]


def issue_session(user_id, role, customer_id=None):
    cfg = _config()
    claims = {"sub": str(user_id), "role": role, "cid": customer_id,
              "exp": datetime.now(timezone.utc) + timedelta(hours=cfg.session_hours)}
    return jwt.encode(claims, cfg.secret_key, algorithm="HS256")


def _claims_from_request():
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return jwt.decode(token, _config().secret_key, algorithms=["HS256"], options={"require": ["exp", "sub"]})  # ok: SEC008
    except jwt.PyJWTError as exc:
        logger.info("rejected session token: %s", type(exc).__name__)
        return None


def operator_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        claims = _claims_from_request()
        if claims is None:
            abort(401)
        g.operator = claims
        return view(*args, **kwargs)
    return wrapper


def role_required(*roles):
    def decorator(view):
        @operator_required
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.operator.get("role") not in roles:  # ok: SEC017
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def customer_scope():
    """None for warehouse staff (sees every customer); the caller's customer id otherwise."""
    return None if g.operator.get("role") in STAFF_ROLES else g.operator.get("cid")


def gateway_required(view):
    """Sensor gateways sign `timestamp.body` with a shared HMAC secret."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        stamp = request.headers.get("X-Gateway-Timestamp", "")
        signature = request.headers.get("X-Gateway-Signature", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > GATEWAY_SKEW_S:
            abort(401)
        body = request.get_data(cache=True)
        expected = hmac.new(_config().gateway_hmac_secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        if not hmac.compare_digest(expected.hexdigest(), signature):
            abort(401)
        g.gateway_id = request.headers.get("X-Gateway-Id", "unknown")[:40]
        return view(*args, **kwargs)
    return wrapper


@bp.post("/refresh")
@operator_required
def refresh():
    token = issue_session(g.operator["sub"], g.operator["role"], g.operator.get("cid"))
    response = make_response(jsonify(ok=True))
    response.set_cookie(COOKIE, token, max_age=_config().session_hours * 3600,  # ok: SEC012
                        secure=True, httponly=True, samesite="Strict")
    return response
