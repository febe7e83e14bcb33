"""Authentication middleware, route guards and staff password helpers."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from arborist.settings import get_settings

logger = logging.getLogger(__name__)

PBKDF2_ROUNDS = 390_000
TOKEN_TTL = timedelta(hours=12)
SESSION_COOKIE = "arb_session"


@dataclass(frozen=True)
class Principal:
    user_id: int
    role: str
    customer_id: int | None = None


class SessionTokenMiddleware(AbstractAuthenticationMiddleware):
    """Accepts a bearer token from the office app or the portal's session cookie."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else connection.cookies.get(SESSION_COOKIE)
        if not token:
            raise NotAuthorizedException("missing credentials")
        try:
            claims = jwt.decode(token, get_settings().jwt_secret, algorithms=["HS256"], audience="arborist")  # ok: SEC008
        except jwt.PyJWTError as exc:
            logger.info("token rejected: %s", type(exc).__name__)
            raise NotAuthorizedException("invalid token") from exc
        principal = Principal(
            user_id=int(claims["sub"]),
            role=claims.get("role", "customer"),
            customer_id=claims.get("cid"),
        )
        return AuthenticationResult(user=principal, auth=claims)


def issue_token(principal: Principal) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(principal.user_id),
        "role": principal.role,
        "cid": principal.customer_id,
        "aud": "arborist",
        "iat": now,
        "exp": now + TOKEN_TTL,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, get_settings().jwt_secret, algorithm="HS256")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)  # ok: SEC009
    return f"pbkdf2_sha256${PBKDF2_ROUNDS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, rounds, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt_hex), int(rounds))
    return hmac.compare_digest(candidate.hex(), digest_hex)


def requires_estimator(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    assert connection.user.role in {"estimator", "admin"}, "estimator role required"  # expect: SEC017


def requires_scheduler(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.user.role not in {"scheduler", "admin"}:
        raise PermissionDeniedException("scheduler role required")


def requires_staff(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.user.role == "customer":
        raise PermissionDeniedException("staff only")
