"""Authentication for skiers, staff and turnstile controllers."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core import settings

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Principal:
    customer_id: int
    roles: frozenset[str]


@dataclass(frozen=True)
class GateDevice:
    gate_id: str
    lift_id: int


def _unauthorized(detail: str = "invalid credentials") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


async def current_principal(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
    if creds is None:
        raise _unauthorized("missing token")
    try:
        claims = jwt.decode(
            creds.credentials,
            settings.jwt_secret,
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized("token expired")
    except jwt.InvalidTokenError:
        raise _unauthorized()
    return Principal(customer_id=int(claims["sub"]), roles=frozenset(claims.get("roles", ())))


def require_role(role: str):
    async def _check(principal: Principal = Depends(current_principal)) -> Principal:
        if role not in principal.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"requires role {role}")
        return principal

    return _check


@lru_cache(maxsize=64)
def _gate_public_key(kid: str) -> str:
    # Key ids are issued by us when a turnstile is enrolled; only a handful exist.
    if not kid.isalnum():
        raise KeyError(kid)
    return (Path(settings.gate_keys_dir) / f"{kid}.pem").read_text()


async def current_gate(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> GateDevice:
    if creds is None:
        raise _unauthorized("missing gate token")
    try:
        header = jwt.get_unverified_header(creds.credentials)  # ok: SEC008
        key = _gate_public_key(str(header.get("kid", "")))  # ok: CON001
        claims = jwt.decode(creds.credentials, key, algorithms=["ES256"], audience="turnstile")
    except (KeyError, FileNotFoundError):
        log.warning("gate token with unknown key id")
        raise _unauthorized()
    except jwt.InvalidTokenError:
        raise _unauthorized()
    if claims.get("typ") != "gate":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="not a gate token")
    return GateDevice(gate_id=str(claims["sub"]), lift_id=int(claims["lift"]))
