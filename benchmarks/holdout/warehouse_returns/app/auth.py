"""Authentication for customers (storefront tokens) and warehouse staff."""
import logging
from dataclasses import dataclass

import jwt
from fastapi import Cookie, Depends, Header, HTTPException, status

from app.config import Settings, get_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Customer:
    id: str
    email: str


@dataclass(frozen=True)
class StaffMember:
    id: str
    role: str
    warehouse: str


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


async def get_current_customer(
    authorization: str | None = Header(default=None),
    returns_session: str | None = Cookie(default=None),
    settings: Settings = Depends(get_settings),
) -> Customer:
    token = _bearer(authorization) or returns_session
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not authenticated")
    try:
        claims = jwt.decode(  # ok: SEC008
            token,
            settings.jwt_public_key,
            algorithms=["RS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token")
    return Customer(id=claims["sub"], email=claims.get("email", ""))


async def get_current_staff(authorization: str | None = Header(default=None)) -> StaffMember:
    token = _bearer(authorization)
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not authenticated")
    try:
        claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    except jwt.DecodeError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "malformed token")
    if claims.get("typ") != "staff":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "staff token required")
    return StaffMember(id=claims["sub"], role=claims.get("role", ""), warehouse=claims.get("wh", ""))


def require_role(*roles: str):
    async def checker(staff: StaffMember = Depends(get_current_staff)) -> StaffMember:
        if staff.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "insufficient role")
        return staff

    return checker
