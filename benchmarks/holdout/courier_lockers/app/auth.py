import logging
import os
from dataclasses import dataclass
from functools import lru_cache

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

logger = logging.getLogger(__name__)

JWT_AUDIENCE = os.environ.get("JWT_AUDIENCE", "lockers-api")
JWT_ISSUER = os.environ.get("JWT_ISSUER", "https://auth.lockers.example")
JWT_PUBLIC_KEY_FILE = os.environ.get("JWT_PUBLIC_KEY_FILE", "/run/secrets/jwt_public.pem")

_bearer = HTTPBearer(auto_error=True)


@dataclass(frozen=True)
class Principal:
    sub: int
    role: str
    courier_id: int | None = None


@lru_cache(maxsize=1)
def _public_key() -> str:
    with open(JWT_PUBLIC_KEY_FILE, encoding="utf-8") as fh:
        return fh.read()


def _decode(token: str) -> dict:
    try:
        return jwt.decode(
            token,
            _public_key(),
            algorithms=["RS256"],  # ok: SEC008
            audience=JWT_AUDIENCE,
            issuer=JWT_ISSUER,
            options={"require": ["exp", "sub", "role"]},
        )
    except jwt.PyJWTError as exc:
        logger.info("rejected bearer token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc


def current_principal(
    creds: HTTPAuthorizationCredentials = Depends(_bearer),
) -> Principal:
    claims = _decode(creds.credentials)
    return Principal(
        sub=int(claims["sub"]),
        role=claims["role"],
        courier_id=claims.get("courier_id"),
    )


def require_customer(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role != "customer":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "customers only")
    return principal


def require_courier(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role != "courier" or principal.courier_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "couriers only")
    return principal
