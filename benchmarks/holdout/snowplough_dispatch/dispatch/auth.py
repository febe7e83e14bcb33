"""Password hashing, bearer tokens and role guards for drivers, dispatchers and devices."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from sanic.exceptions import Forbidden, Unauthorized

PBKDF2_ITERATIONS = 390_000
TOKEN_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ITERATIONS)  # ok: SEC009
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), bytes.fromhex(salt_hex), int(iterations)
    )
    return hmac.compare_digest(candidate.hex(), digest_hex)


def issue_token(secret: str, subject: int, role: str, ttl: timedelta, **claims: object) -> str:
    now = datetime.now(timezone.utc)
    payload = {"sub": str(subject), "role": role, "iat": now, "exp": now + ttl, **claims}
    return jwt.encode(payload, secret, algorithm=TOKEN_ALGORITHM)


def decode_token(secret: str, token: str) -> dict:
    options = {"require": ["exp", "sub", "role"]}
    return jwt.decode(token, secret, algorithms=[TOKEN_ALGORITHM], options=options)  # ok: SEC008


def new_device_secret() -> str:
    """Secret a GPS unit uses to obtain its device token during provisioning."""
    return secrets.token_urlsafe(32)


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("missing bearer token")
    return token


def require_role(*roles: str):
    """Decorate a handler so that only tokens carrying one of ``roles`` reach it."""

    def decorator(handler):
        @functools.wraps(handler)
        async def wrapper(request, *args, **kwargs):
            secret = request.app.ctx.settings.jwt_secret
            try:
                claims = decode_token(secret, _bearer(request))
            except jwt.PyJWTError as exc:
                raise Unauthorized("invalid token") from exc
            if claims["role"] not in roles:
                raise Forbidden("role not allowed")
            request.ctx.user = {
                "id": int(claims["sub"]),
                "role": claims["role"],
                "depot_id": claims.get("depot_id"),
                "council_id": claims.get("council_id"),
                "truck_id": claims.get("truck_id"),
            }
            return await handler(request, *args, **kwargs)

        return wrapper

    return decorator
