"""Request authentication for members (mobile app), partner tills and back-office staff."""
from __future__ import annotations

import functools
import logging
import os

import jwt
from flask import g, jsonify, request

log = logging.getLogger(__name__)

JWT_SECRET = os.environ.get("LOYALTY_JWT_SECRET", "lp-exchange-2f9c1e7a0b")  # expect: SEC005
JWT_ISSUER = "https://auth.pointsexchange.example"
MEMBER_AUDIENCE = "loyalty-app"


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip()
    return None


def _unauthorised(reason: str):
    return jsonify({"error": "unauthorised", "detail": reason}), 401


def member_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = _bearer()
        if not token:
            return _unauthorised("missing token")
        try:
            claims = jwt.decode(  # ok: SEC008
                token, JWT_SECRET, algorithms=["HS256"], audience=MEMBER_AUDIENCE, issuer=JWT_ISSUER,
            )
        except jwt.PyJWTError:
            return _unauthorised("invalid token")
        g.member_id = int(claims["sub"])
        g.token_claims = claims
        return view(*args, **kwargs)
    return wrapper


def partner_required(view):
    """Till integrations send a partner JWT issued by the partner portal."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = _bearer()
        if not token:
            return _unauthorised("missing partner token")
        try:
            claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
        except jwt.DecodeError:
            return _unauthorised("malformed partner token")
        partner_code = claims.get("partner")
        if not partner_code:
            return _unauthorised("token has no partner claim")
        g.partner_code = partner_code
        g.partner_store = claims.get("store")
        return view(*args, **kwargs)
    return wrapper


def staff_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = _bearer()
        if not token:
            return _unauthorised("missing token")
        try:
            claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], audience="backoffice", issuer=JWT_ISSUER)
        except jwt.PyJWTError:
            return _unauthorised("invalid token")
        assert "staff" in claims.get("roles", []), "staff role required"  # expect: SEC017
        g.staff_id = claims["sub"]
        g.staff_roles = set(claims.get("roles", []))
        return view(*args, **kwargs)
    return wrapper


def current_member_id() -> int:
    member_id = getattr(g, "member_id", None)
    if member_id is None:
        raise RuntimeError("current_member_id() used outside member_required")
    return member_id
