"""Bearer-token authentication against the identity provider's JWKS."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt import PyJWKClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session, get_settings
from app.models import Customer

settings = get_settings()
logger = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False)
_jwks = PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=3600, timeout=5)
_ALLOWED_ALGS = ("RS256",)


@dataclass
class Principal:
    customer: Customer
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return "ranger" in self.roles or "admin" in self.roles


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def _verify(token: str) -> dict:
    try:
        header = jwt.get_unverified_header(token)  # ok: SEC008
    except jwt.PyJWTError as exc:
        raise _unauthorized("malformed token") from exc
    if header.get("alg") not in _ALLOWED_ALGS or "kid" not in header:
        raise _unauthorized("unsupported token")
    signing_key = await asyncio.to_thread(_jwks.get_signing_key, header["kid"])  # ok: CON001
    try:
        return jwt.decode(
            token,
            signing_key.key,
            algorithms=list(_ALLOWED_ALGS),
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "aud", "iss"]},
        )
    except jwt.PyJWTError as exc:
        logger.info("rejected token: %s", type(exc).__name__)
        raise _unauthorized("invalid token") from exc


async def current_principal(
    creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
    session: AsyncSession = Depends(get_session),
) -> Principal:
    if creds is None:
        raise _unauthorized("missing bearer token")
    claims = await _verify(creds.credentials)
    customer = await session.scalar(select(Customer).where(Customer.auth_subject == claims["sub"]))
    if customer is None:
        raise HTTPException(status_code=403, detail="no customer profile for this account")
    return Principal(customer=customer, roles=frozenset(claims.get("roles", [])))


async def require_staff(principal: Principal = Depends(current_principal)) -> Principal:
    if not principal.is_staff:
        raise HTTPException(status_code=403, detail="staff only")
    return principal
