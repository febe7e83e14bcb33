import asyncio
import logging
from dataclasses import dataclass
from functools import lru_cache

import jwt
from fastapi import Depends, HTTPException, Request, status
from jwt import PyJWKClient

from settings import Settings, get_settings

log = logging.getLogger(__name__)

ALGORITHMS = ["RS256"]


@dataclass(frozen=True)
class Principal:
    user_id: str
    broker_id: int
    roles: frozenset[str]

    def can(self, role: str) -> bool:
        return role in self.roles


@lru_cache(maxsize=1)
def _jwk_client(jwks_url: str) -> PyJWKClient:
    return PyJWKClient(jwks_url, cache_keys=True, lifespan=900, timeout=5)


def _token_from(request: Request, settings: Settings) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    cookie = request.cookies.get(settings.session_cookie)
    if cookie:
        return cookie
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing credentials")


async def current_principal(
    request: Request, settings: Settings = Depends(get_settings)
) -> Principal:
    token = _token_from(request, settings)
    try:
        kid = jwt.get_unverified_header(token).get("kid")  # ok: SEC008
        signing_key = await asyncio.to_thread(  # ok: CON001
            _jwk_client(settings.jwks_url).get_signing_key, kid
        )
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "sub", "broker_id"]},
        )
    except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
        log.info("rejected token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from None

    return Principal(
        user_id=claims["sub"],
        broker_id=int(claims["broker_id"]),
        roles=frozenset(claims.get("roles", [])),
    )


def require_role(role: str):
    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.can(role):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"{role} role required")
        return principal

    return dependency
