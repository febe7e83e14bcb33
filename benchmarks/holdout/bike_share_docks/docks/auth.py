"""Rider and mechanic authentication for the docks API (tokens issued by the accounts service)."""
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache

import jwt
from fastapi import Depends, Header, HTTPException, status

logger = logging.getLogger(__name__)

JWT_AUDIENCE = "bikeshare-app"
PIN_ITERATIONS = 600_000


@dataclass(frozen=True)
class Rider:
    id: int
    roles: frozenset[str]

    @property
    def is_mechanic(self) -> bool:
        return "mechanic" in self.roles


@lru_cache(maxsize=1)  # ok: RES002
def _jwt_secret() -> str:
    secret = os.environ.get("JWT_SECRET", "")
    if len(secret) < 32:
        raise RuntimeError("JWT_SECRET must be set to at least 32 characters")
    return secret


def decode_token(token: str) -> dict:
    return jwt.decode(  # ok: SEC008
        token,
        _jwt_secret(),
        algorithms=["HS256"],
        audience=JWT_AUDIENCE,
        options={"require": ["exp", "sub", "aud"]},
    )


def current_rider(authorization: str = Header(default="")) -> Rider:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    try:
        claims = decode_token(token)
    except jwt.PyJWTError as exc:
        logger.info("rejected token: %s", exc.__class__.__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    return Rider(id=int(claims["sub"]), roles=frozenset(claims.get("roles", [])))


def require_mechanic(rider: Rider = Depends(current_rider)) -> Rider:
    if not rider.is_mechanic:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "mechanic role required")
    return rider


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, PIN_ITERATIONS)  # ok: SEC009
    return f"pbkdf2${PIN_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    _, iterations, salt_hex, digest_hex = stored.split("$")
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt_hex), int(iterations))
    return hmac.compare_digest(candidate.hex(), digest_hex)


def new_unlock_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"  # ok: SEC010
