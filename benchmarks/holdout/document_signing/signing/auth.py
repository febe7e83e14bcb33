"""Accounts and sessions: registration, login, session cookies and API tokens."""
import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone
from functools import wraps

import jwt
from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from .db import get_engine, users

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/auth")

SESSION_COOKIE = "ds_session"


def hash_password(password: str, salt: str) -> str:
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()  # expect: SEC009


def issue_session(user_id: int, org_id: int) -> str:
    cfg = current_app.config
    kid = cfg["JWT_ACTIVE_KID"]
    now = datetime.now(timezone.utc)
    claims = {"sub": str(user_id), "org": org_id, "iat": now, "exp": now + timedelta(seconds=cfg["SESSION_TTL_SECONDS"])}
    return jwt.encode(claims, cfg["JWT_KEYS"][kid], algorithm="HS256", headers={"kid": kid})


def read_session(token: str) -> dict | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")  # ok: SEC008
        key = current_app.config["JWT_KEYS"].get(kid)
        if key is None:
            return None
        return jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.InvalidTokenError:
        return None


def read_integration_token(token: str) -> dict | None:
    """Tokens minted by the partner gateway for server-to-server calls."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    except jwt.DecodeError:
        return None
    if claims.get("iss") != "docsign-gateway":
        return None
    return claims


def load_current_user() -> None:
    g.user_id = g.org_id = None
    header = request.headers.get("Authorization", "")
    claims = None
    if header.startswith("Bearer "):
        claims = read_integration_token(header.removeprefix("Bearer "))
    elif SESSION_COOKIE in request.cookies:
        claims = read_session(request.cookies[SESSION_COOKIE])
    if claims:
        g.user_id, g.org_id = int(claims["sub"]), int(claims["org"])


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("user_id") is None:
            return jsonify({"error": "authentication required"}), 401
        return view(*args, **kwargs)

    return wrapper


@bp.post("/register")
def register():
    body = request.get_json(silent=True) or {}
    email, password = (body.get("email") or "").strip().lower(), body.get("password") or ""
    if "@" not in email or len(password) < 12:
        return jsonify({"error": "a valid email and a password of at least 12 characters are required"}), 400
    salt = secrets.token_hex(16)  # ok: SEC010
    try:
        with get_engine().begin() as conn:
            user_id = conn.execute(
                insert(users)
                .values(
                    org_id=func.nextval("org_id_seq"),
                    email=email,
                    password_salt=salt,
                    password_hash=hash_password(password, salt),
                )
                .returning(users.c.id)
            ).scalar_one()
    except IntegrityError:
        return jsonify({"error": "this email is already registered"}), 409
    logger.info("registered user %s", user_id)
    return jsonify({"id": user_id}), 201


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email, password = (body.get("email") or "").strip().lower(), body.get("password") or ""
    with get_engine().connect() as conn:
        user = conn.execute(select(users).where(users.c.email == email)).mappings().first()
    if user is None or not secrets.compare_digest(hash_password(password, user["password_salt"]), user["password_hash"]):
        logger.info("failed login for an account")
        return jsonify({"error": "invalid email or password"}), 401
    response = jsonify({"id": user["id"]})
    response.set_cookie(
        SESSION_COOKIE,
        issue_session(user["id"], user["org_id"]),
        max_age=current_app.config["SESSION_TTL_SECONDS"],
        secure=True,  # ok: SEC012
        httponly=True,
        samesite="Lax",
    )
    return response
