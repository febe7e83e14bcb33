import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from market.settings import Settings, get_settings

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False)

ROLES = {"vendor", "manager", "kiosk"}


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    vendor_id: Optional[int] = None
    market_id: Optional[int] = None


def issue_token(settings: Settings, subject: str, role: str, **claims) -> str:
    now = datetime.now(timezone.utc)
    payload = {
        "sub": subject,
        "role": role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=settings.token_ttl_minutes),
        **claims,
    }
    return jwt.encode(payload, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def decode_token(settings: Settings, token: str) -> dict:
    return jwt.decode(
        token,
        settings.jwt_secret.get_secret_value(),
        algorithms=["HS256"],  # ok: SEC008
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        options={"require": ["exp", "sub", "role"]},
    )


def current_principal(
    creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer),
    settings: Settings = Depends(get_settings),
) -> Principal:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    try:
        claims = decode_token(settings, creds.credentials)
    except jwt.PyJWTError as exc:
        log.info("rejected token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    if claims["role"] not in ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "unknown role")
    return Principal(subject=claims["sub"], role=claims["role"],
                     vendor_id=claims.get("vendor_id"), market_id=claims.get("market_id"))


def require_vendor(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role != "vendor" or principal.vendor_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "vendor access only")
    return principal


def require_manager(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role != "manager" or principal.market_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "market manager access only")
    return principal


def require_kiosk(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role != "kiosk" or principal.market_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "kiosk access only")
    return principal
