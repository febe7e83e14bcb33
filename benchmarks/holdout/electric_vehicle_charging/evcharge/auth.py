"""Authentication for drivers (JWT from the identity service), operators and chargers."""
import asyncio
import hashlib
import hmac
import logging
from dataclasses import dataclass

import jwt
from fastapi import Depends, Header, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from evcharge.db import get_session
from evcharge.models import Charger
from evcharge.settings import settings

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=True)

ALLOWED_ALGORITHMS = ["RS256", "ES256"]
# PyJWKClient caches the key set and only refetches on an unknown kid
_jwks_client = jwt.PyJWKClient(str(settings.jwks_url), cache_keys=True, lifespan=900, timeout=5)


@dataclass(frozen=True)
class Principal:
    driver_id: int
    roles: frozenset[str]
    operator_id: int | None


async def current_principal(creds: HTTPAuthorizationCredentials = Depends(bearer)) -> Principal:
    token = creds.credentials
    try:
        if jwt.get_unverified_header(token).get("alg") not in ALLOWED_ALGORITHMS:  # ok: SEC008
            raise jwt.InvalidAlgorithmError("algorithm not allowed")
        signing_key = await asyncio.to_thread(_jwks_client.get_signing_key_from_jwt, token)  # ok: CON001
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=ALLOWED_ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "drv"]},
        )
    except jwt.PyJWTError as exc:
        log.info("rejected bearer token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    return Principal(int(claims["drv"]), frozenset(claims.get("roles", [])), claims.get("op"))


async def current_driver(principal: Principal = Depends(current_principal)) -> int:
    return principal.driver_id


async def require_operator(principal: Principal = Depends(current_principal)) -> Principal:
    if "operator" not in principal.roles or principal.operator_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "operator role required")
    return principal


def hash_charger_key(raw_key: str) -> str:
    # charger keys are 32 random bytes issued at commissioning, not user passwords
    return hashlib.sha256(raw_key.encode()).hexdigest()  # ok: SEC009


async def current_charger(
    charger_id: str,
    x_charger_key: str = Header(...),
    db: AsyncSession = Depends(get_session),
) -> Charger:
    charger = await db.get(Charger, charger_id)
    if charger is None or not hmac.compare_digest(charger.api_key_hash, hash_charger_key(x_charger_key)):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown charger or bad key")
    return charger
