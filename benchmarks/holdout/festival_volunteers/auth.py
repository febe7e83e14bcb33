"""Bearer-token authentication for volunteers, organisers and food vendors."""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import Depends, Header, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from .config import get_settings
from .models import Volunteer, get_session

bearer = HTTPBearer(auto_error=False)
ACCESS_TOKEN_TTL = timedelta(hours=12)


def issue_access_token(volunteer: Volunteer) -> str:
    settings = get_settings()
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(volunteer.id),
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ACCESS_TOKEN_TTL,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


async def get_current_volunteer(
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
    session: AsyncSession = Depends(get_session),
) -> Volunteer:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    settings = get_settings()
    try:
        claims = jwt.decode(
            creds.credentials,
            settings.jwt_secret,
            algorithms=["HS256"],  # ok: SEC008
            audience=settings.jwt_audience,
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token")

    volunteer = await session.get(Volunteer, int(claims["sub"]))
    if volunteer is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown volunteer")
    return volunteer


async def require_organiser(volunteer: Volunteer = Depends(get_current_volunteer)) -> Volunteer:
    if not volunteer.is_organiser:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "organiser access required")
    return volunteer


async def require_food_vendor(x_vendor_key: str | None = Header(default=None)) -> str:
    """Food trucks authenticate with a per-vendor key; returns the vendor label."""
    if not x_vendor_key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing vendor key")
    for configured in get_settings().vendor_keys:
        label, _, key = configured.partition(":")
        if key and hmac.compare_digest(key.encode(), x_vendor_key.encode()):
            return label
    raise HTTPException(status.HTTP_403_FORBIDDEN, "unknown vendor key")
