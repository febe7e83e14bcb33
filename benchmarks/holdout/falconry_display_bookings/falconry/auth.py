"""Password hashing, JWT issue/verify, and the Falcon authentication middleware."""

import base64
import hashlib
import hmac
import os
from datetime import datetime, timedelta, timezone

import falcon
import jwt

from falconry.settings import settings

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
ROLES = ("organiser", "handler", "admin")


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)  # ok: SEC009
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt = base64.b64decode(salt_b64)
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return hmac.compare_digest(candidate, base64.b64decode(digest_b64))


def issue_token(user_id: int, role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(user_id),
        "role": role,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + timedelta(seconds=settings.jwt_ttl_seconds),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def decode_token(token: str) -> dict:
    return jwt.decode(  # ok: SEC008
        token,
        settings.jwt_secret,
        algorithms=["HS256"],
        issuer=settings.jwt_issuer,
        options={"require": ["exp", "sub", "iss"]},
    )


def require_role(req, *roles: str) -> None:
    if req.context.get("role") not in roles:
        raise falcon.HTTPForbidden(title="Forbidden", description="Your account cannot do this.")


class AuthMiddleware:
    """Bearer-token authentication for every resource not marked ``auth_exempt``."""

    def process_resource(self, req, resp, resource, params):
        if resource is None or getattr(resource, "auth_exempt", False):
            return
        scheme, _, token = (req.get_header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise falcon.HTTPUnauthorized(title="Unauthorized", description="A bearer token is required.")
        try:
            claims = decode_token(token)
        except jwt.ExpiredSignatureError:
            raise falcon.HTTPUnauthorized(title="Unauthorized", description="Token expired.")
        except jwt.InvalidTokenError:
            raise falcon.HTTPUnauthorized(title="Unauthorized", description="Invalid token.")
        if claims.get("role") not in ROLES:
            raise falcon.HTTPForbidden(title="Forbidden", description="Unknown role.")
        req.context.user_id = int(claims["sub"])
        req.context.role = claims["role"]
