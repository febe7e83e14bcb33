"""Member login, access tokens and refresh-token rotation."""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from flask import Blueprint, current_app, jsonify, request
from werkzeug.security import check_password_hash

from loyalty import db

log = logging.getLogger(__name__)
bp = Blueprint("tokens", __name__, url_prefix="/auth")

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
REFRESH_COOKIE = "lp_refresh"


def _signing_key() -> str:
    return current_app.config["JWT_SECRET"]


def _hash_refresh(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


def _access_token(member_id: int) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(member_id), "aud": "loyalty-app", "iss": current_app.config["JWT_ISSUER"],
              "iat": now, "exp": now + ACCESS_TTL}
    return jwt.encode(claims, _signing_key(), algorithm="HS256")


def verify_partner_portal_token(token: str, jwks_client: jwt.PyJWKClient) -> dict:
    header = jwt.get_unverified_header(token)  # ok: SEC008
    key = jwks_client.get_signing_key(header["kid"]).key
    return jwt.decode(token, key, algorithms=["RS256"], audience="points-exchange")


def _issue_pair(member_id: int, cur) -> tuple[str, str]:
    refresh = secrets.token_urlsafe(48)
    cur.execute(
        "INSERT INTO refresh_tokens (token_hash, member_id, expires_at) VALUES (%s, %s, %s)",
        (_hash_refresh(refresh), member_id, datetime.now(timezone.utc) + REFRESH_TTL),
    )
    return _access_token(member_id), refresh


def _respond(access: str, refresh: str):
    response = jsonify({"access_token": access, "expires_in": int(ACCESS_TTL.total_seconds())})
    response.set_cookie(  # ok: SEC012
        REFRESH_COOKIE, refresh, max_age=int(REFRESH_TTL.total_seconds()),
        secure=True, httponly=True, samesite="Strict", path="/auth",
    )
    return response


@bp.post("/login")
def login():
    body = request.get_json(silent=True) or {}
    email = str(body.get("email", "")).strip().lower()
    password = str(body.get("password", ""))
    member = db.fetch_one("SELECT id, password_hash FROM members WHERE email = %s AND active", (email,))
    if member is None or not check_password_hash(member["password_hash"], password):
        log.info("failed member login", extra={"email_domain": email.rpartition("@")[2]})
        return jsonify({"error": "invalid_credentials"}), 401
    with db.transaction() as cur:
        access, refresh = _issue_pair(member["id"], cur)
    return _respond(access, refresh)


@bp.post("/refresh")
def refresh():
    presented = request.cookies.get(REFRESH_COOKIE)
    if not presented:
        return jsonify({"error": "unauthorised"}), 401
    with db.transaction() as cur:
        cur.execute(  # ok: DB005
            "UPDATE refresh_tokens SET revoked_at = now() "
            "WHERE token_hash = %s AND revoked_at IS NULL AND expires_at > now() RETURNING member_id",
            (_hash_refresh(presented),),
        )
        row = cur.fetchone()
        if row is None:
            return jsonify({"error": "unauthorised"}), 401
        access, new_refresh = _issue_pair(row["member_id"], cur)
    return _respond(access, new_refresh)


@bp.post("/logout")
def logout():
    presented = request.cookies.get(REFRESH_COOKIE)
    if presented:
        with db.transaction() as cur:
            cur.execute("UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = %s", (_hash_refresh(presented),))
    response = jsonify({"ok": True})
    response.delete_cookie(REFRESH_COOKIE, path="/auth")
    return response


def configure(app) -> None:
    app.config.setdefault("JWT_SECRET", os.environ.get("LOYALTY_JWT_SECRET", ""))
    app.config.setdefault("JWT_ISSUER", "https://auth.pointsexchange.example")
    if not app.config["JWT_SECRET"]:
        raise RuntimeError("LOYALTY_JWT_SECRET is not set")
    app.register_blueprint(bp)
