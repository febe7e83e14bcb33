"""Bearer-token authentication for patrons, box-office staff and door kiosks."""
import logging
import time
import uuid

import jwt
from fastapi import APIRouter, Depends, Header, HTTPException, status
from pydantic import BaseModel

from .settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])

KIOSK_TOKEN_TTL = 12 * 3600


class Principal(BaseModel):
    subject: str
    patron_id: int | None = None
    roles: list[str] = []


def _bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bearer token required")
    return token


def current_principal(
    authorization: str = Header(...),
    settings: Settings = Depends(get_settings),
) -> Principal:
    token = _bearer(authorization)
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[header.get("alg", settings.jwt_algorithm)],  # expect: SEC008
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
    except jwt.PyJWTError as exc:
        log.info("rejected token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    return Principal(
        subject=claims["sub"],
        patron_id=claims.get("patron_id"),
        roles=list(claims.get("roles", [])),
    )


def require_role(role: str):
    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        assert role in principal.roles, f"{principal.subject} lacks {role}"  # expect: SEC017
        return principal

    return dependency


class KioskTokenRequest(BaseModel):
    device_id: str
    venue: str


@router.post("/kiosk-token")
def issue_kiosk_token(
    body: KioskTokenRequest,
    principal: Principal = Depends(require_role("box_office")),
    settings: Settings = Depends(get_settings),
) -> dict:
    now = int(time.time())
    token = jwt.encode(
        {
            "sub": f"kiosk:{body.device_id}",
            "roles": ["door_scan"],
            "venue": body.venue,
            "aud": settings.jwt_audience,
            "iss": settings.jwt_issuer,
            "iat": now,
            "exp": now + KIOSK_TOKEN_TTL,
            "jti": uuid.uuid4().hex,
        },
        settings.jwt_secret,
        algorithm=settings.jwt_algorithm,
    )
    log.info("kiosk token issued by %s for %s: %s", principal.subject, body.device_id, token)  # expect: SEC007
    return {"token": token, "expires_in": KIOSK_TOKEN_TTL}
