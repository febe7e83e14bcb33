"""Token handling for staff and for customers coming from the booking widget."""
from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta, timezone

import jwt
from flask import current_app, g, jsonify, request

logger = logging.getLogger(__name__)

STAFF_COOKIE = "shack_staff"
STAFF_TOKEN_TTL = timedelta(hours=10)
WIDGET_ISSUER = "booking-widget"


class InvalidToken(Exception):
    pass


def issue_staff_token(staff_id: str, role: str) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": staff_id, "role": role, "iat": now, "exp": now + STAFF_TOKEN_TTL, "aud": "shack-staff"}
    return jwt.encode(claims, current_app.config["SHACK"].jwt_secret, algorithm="HS256")


def decode_staff_token(token: str) -> dict:
    try:
        return jwt.decode(
            token,
            current_app.config["SHACK"].jwt_secret,
            algorithms=["HS256"],  # ok: SEC008
            audience="shack-staff",
            options={"require": ["exp", "sub", "role"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc


def decode_widget_token(token: str) -> str:
    """Customer id from a token the booking widget signed with the shared secret."""
    try:
        claims = jwt.decode(
            token,
            current_app.config["SHACK"].widget_jwt_secret,
            algorithms=["HS256"],
            issuer=WIDGET_ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc
    return claims["sub"]


def staff_required(*roles: str):
    """Reject the request unless a valid staff cookie or bearer token is present."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = header[7:] if header.startswith("Bearer ") else request.cookies.get(STAFF_COOKIE)
            if not token:
                return jsonify(error="authentication required"), 401
            try:
                claims = decode_staff_token(token)
            except InvalidToken as exc:
                logger.info("staff token rejected: %s", exc)
                return jsonify(error="authentication required"), 401
            if roles and claims["role"] not in roles:
                return jsonify(error="not allowed"), 403
            g.staff_id = claims["sub"]
            g.staff_role = claims["role"]
            return view(*args, **kwargs)

        return wrapper

    return decorator


def customer_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            g.customer_id = decode_widget_token(request.headers.get("X-Booking-Token", ""))
        except InvalidToken:
            return jsonify(error="booking session expired"), 401
        return view(*args, **kwargs)

    return wrapper
