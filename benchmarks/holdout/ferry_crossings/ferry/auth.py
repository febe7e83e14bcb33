"""Bearer-token authentication for customers and operations staff."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ferry.config import get_settings

logger = logging.getLogger("ferry.auth")
settings = get_settings()
bearer = HTTPBearer(auto_error=False)
router = APIRouter(prefix="/auth", tags=["auth"])

# jti -> expiry timestamp for tokens signed out before they expire.
_revoked: dict[str, float] = {}


@dataclass(frozen=True)
class Principal:
    customer_id: int
    email: str
    roles: tuple[str, ...]
    token_id: str
    expires_at: float

    def has_role(self, role: str) -> bool:
        return role in self.roles


def _decode(token: str) -> dict:
    header = jwt.get_unverified_header(token)
    return jwt.decode(
        token,
        settings.jwt_public_key,
        algorithms=[header.get("alg", "RS256")],  # expect: SEC008
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        options={"require": ["exp", "sub", "jti"]},
    )


def _prune_revoked(now: float) -> None:
    for jti, expires_at in list(_revoked.items()):
        if expires_at < now:
            _revoked.pop(jti, None)


async def current_principal(
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> Principal:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    try:
        claims = _decode(creds.credentials)
    except jwt.PyJWTError as exc:
        logger.info("rejected bearer token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    if claims["jti"] in _revoked:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "token signed out")
    return Principal(
        customer_id=int(claims["sub"]),
        email=claims.get("email", ""),
        roles=tuple(claims.get("roles", ())),
        token_id=claims["jti"],
        expires_at=float(claims["exp"]),
    )


def require_role(role: str):
    async def _check(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.has_role(role):
            logger.warning("customer %s lacks role %s", principal.customer_id, role)
            raise HTTPException(status.HTTP_403_FORBIDDEN, "forbidden")
        return principal

    return _check


@router.post("/logout", status_code=204)
async def logout(principal: Principal = Depends(current_principal)) -> None:
    now = time.time()
    _prune_revoked(now)
    _revoked[principal.token_id] = principal.expires_at  # expect: SCL001, CON002
    logger.info("customer %s signed out token %s", principal.customer_id, principal.token_id)
