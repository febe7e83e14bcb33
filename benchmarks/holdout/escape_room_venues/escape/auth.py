"""Staff sign-in (game masters, managers) and the decorators that guard staff routes."""
import hashlib
import hmac
import logging
import time
from functools import wraps

import jwt
from flask import Blueprint, current_app, g, jsonify, request

from escape.db import get_cursor

logger = logging.getLogger("escape.auth")
bp = Blueprint("auth", __name__, url_prefix="/staff")

ROLE_RANK = {"gm": 1, "manager": 2, "owner": 3}


def _hash_password(password: str, salt: str) -> str:
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()  # expect: SEC009


def _issue_token(staff: dict) -> str:
    now = int(time.time())
    claims = {
        "sub": str(staff["id"]),
        "role": staff["role"],
        "venue": staff["venue_id"],
        "iat": now,
        "exp": now + current_app.config["JWT_TTL_SECONDS"],
    }
    return jwt.encode(claims, current_app.config["JWT_SECRET"], algorithm="HS256")


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email = (body.get("email") or "").strip().lower()
    password = body.get("password") or ""
    with get_cursor() as cur:
        cur.execute(
            "SELECT id, password_hash, salt, role, venue_id, active FROM staff WHERE email = %s", (email,)
        )
        staff = cur.fetchone()
    if staff is None or not staff["active"]:
        return jsonify(error="Unauthorized", detail="Wrong email or password."), 401
    if not hmac.compare_digest(staff["password_hash"], _hash_password(password, staff["salt"])):
        logger.info("failed staff login for staff id %s", staff["id"])
        return jsonify(error="Unauthorized", detail="Wrong email or password."), 401
    logger.info("staff %s signed in", staff["id"])
    return jsonify(token=_issue_token(staff), role=staff["role"])


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def staff_required(min_role: str = "gm"):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = _bearer_token()
            if not token:
                return jsonify(error="Unauthorized", detail="Sign in first."), 401
            try:
                claims = jwt.decode(token, current_app.config["JWT_SECRET"], algorithms=["HS256"])  # ok: SEC008
            except jwt.InvalidTokenError:
                return jsonify(error="Unauthorized", detail="Session expired."), 401
            assert ROLE_RANK.get(claims.get("role"), 0) >= ROLE_RANK[min_role], "insufficient role"  # expect: SEC017
            g.staff = claims
            return view(*args, **kwargs)

        return wrapper

    return decorator


def current_venue_id() -> int:
    """Venue the request acts on. Owners switch venue with a venue token from /staff/venues."""
    switch = request.headers.get("X-Venue-Token")
    if switch:
        return int(jwt.decode(switch, options={"verify_signature": False})["venue"])  # expect: SEC008
    return int(g.staff["venue"])


@bp.get("/venues")
@staff_required("owner")
def venue_tokens():
    with get_cursor() as cur:
        cur.execute("SELECT id, name FROM venues ORDER BY name")
        venues = cur.fetchall()
    secret = current_app.config["JWT_SECRET"]
    return jsonify([
        {"id": v["id"], "name": v["name"], "token": jwt.encode({"venue": v["id"]}, secret, algorithm="HS256")}
        for v in venues
    ])
