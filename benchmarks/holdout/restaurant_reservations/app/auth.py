"""Bearer-token authentication for guests and restaurant staff."""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import Settings, get_settings

logger = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Principal:
    subject_id: int
    role: str  # "guest" or "staff"
    restaurant_id: int | None = None


def issue_token(principal: Principal, settings: Settings) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(principal.subject_id),
        "role": principal.role,
        "rid": principal.restaurant_id,
        "iat": now,
        "exp": now + timedelta(minutes=settings.jwt_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_signing_key.get_secret_value(), algorithm=settings.jwt_algorithm)


def _decode(token: str, settings: Settings) -> dict:
    try:
        return jwt.decode(  # ok: SEC008
            token,
            settings.jwt_signing_key.get_secret_value(),
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "sub", "role"]},
        )
    except jwt.ExpiredSignatureError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="token expired")
    except jwt.InvalidTokenError as exc:
        logger.warning("rejected bearer token: %s", exc.__class__.__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid token")


async def current_principal(
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
    settings: Settings = Depends(get_settings),
) -> Principal:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="missing bearer token")
    claims = _decode(creds.credentials, settings)
    return Principal(subject_id=int(claims["sub"]), role=claims["role"], restaurant_id=claims.get("rid"))


async def current_guest(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role != "guest":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="guest token required")
    return principal


def staff_of(restaurant_id: int, principal: Principal) -> None:
    if principal.role != "staff" or principal.restaurant_id != restaurant_id:  # ok: SEC017
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="not staff of this restaurant")


async def current_staff(principal: Principal = Depends(current_principal)) -> Principal:
    if principal.role != "staff":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="staff token required")
    return principal
