"""Bearer-token authentication for customers, game masters and managers.

Tokens are RS256 JWTs issued by the identity provider; the key is chosen by
the token's ``kid`` from the configured public keys.
"""
import logging
from dataclasses import dataclass

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.settings import Settings, get_settings

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    customer_id: int | None


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail,
                         headers={"WWW-Authenticate": "Bearer"})


def _signing_key(token: str, settings: Settings) -> str:
    try:
        header = jwt.get_unverified_header(token)  # ok: SEC008
    except jwt.PyJWTError as exc:
        raise _unauthorized("malformed token") from exc
    pem = settings.jwt_public_keys.get(header.get("kid") or "")
    if pem is None:
        raise _unauthorized("unknown signing key")
    return pem


def decode_identity_token(token: str, settings: Settings) -> dict:
    try:
        return jwt.decode(
            token,
            _signing_key(token, settings),
            algorithms=["RS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.PyJWTError as exc:
        log.info("rejected token: %s", type(exc).__name__)
        raise _unauthorized("invalid or expired token") from exc


async def current_principal(
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
    settings: Settings = Depends(get_settings),
) -> Principal:
    if creds is None:
        raise _unauthorized("missing bearer token")
    claims = decode_identity_token(creds.credentials, settings)
    customer_id = claims.get("customer_id")
    return Principal(
        subject=claims["sub"],
        roles=frozenset(claims.get("roles", [])),
        customer_id=int(customer_id) if customer_id is not None else None,
    )


def require_role(role: str):
    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if role not in principal.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"{role} role required")
        return principal
    return dependency


async def require_customer(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.customer_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="customer account required")
    return principal
