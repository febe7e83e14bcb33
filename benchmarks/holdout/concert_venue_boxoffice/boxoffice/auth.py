"""Authentication for fans and staff (our own JWTs), promoters and the door handhelds."""
import logging
from dataclasses import dataclass

import jwt
from fastapi import Depends, HTTPException, Request, status

from boxoffice.config import get_settings

logger = logging.getLogger(__name__)
settings = get_settings()

SESSION_COOKIE = "lh_session"


@dataclass(frozen=True)
class Principal:
    user_id: int
    roles: frozenset[str]
    email: str | None = None


@dataclass(frozen=True)
class DeviceClaims:
    device_id: str
    gate: str


def _bearer_or_cookie(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip()
    return request.cookies.get(SESSION_COOKIE)


def current_user(request: Request) -> Principal:
    token = _bearer_or_cookie(request)
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="not signed in")
    try:
        claims = jwt.decode(  # ok: SEC008
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
    except jwt.PyJWTError as exc:
        logger.info("rejected session token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid token") from exc
    return Principal(int(claims["sub"]), frozenset(claims.get("roles", [])), claims.get("email"))


def require_role(role: str):
    def dependency(principal: Principal = Depends(current_user)) -> Principal:
        if role not in principal.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"{role} role required")
        return principal

    return dependency


def promoter_api_client(request: Request) -> int:
    """Promoters' ticketing systems sign their own RS256 tokens; we hold their public keys."""
    token = _bearer_or_cookie(request)
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="missing token")
    try:
        kid = jwt.get_unverified_header(token).get("kid")  # ok: SEC008
        public_key = settings.promoter_public_keys.get(kid or "")
        if public_key is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="unknown signing key")
        claims = jwt.decode(token, public_key, algorithms=["RS256"], audience=settings.jwt_audience)
    except jwt.PyJWTError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid token") from exc
    return int(claims["promoter_id"])


def door_device(request: Request) -> DeviceClaims:
    """Door handhelds carry a device token minted by the scanner vendor's MDM."""
    token = request.headers.get("X-Device-Token", "")
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="missing device token")
    try:
        claims = jwt.decode(token, options={"verify_signature": False})  # expect: SEC008
    except jwt.DecodeError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="malformed device token") from exc
    if claims.get("venue") != settings.venue_code:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="device not enrolled for this venue")
    return DeviceClaims(device_id=str(claims["sub"]), gate=str(claims.get("gate", "main")))
