"""Authentication for site coordinators, monitors and unblinding officers.

Tokens are issued by the hospital IdP; roles and site assignments are claims.
"""
import logging
from dataclasses import dataclass, field
from typing import Callable

import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from trials.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
bearer = HTTPBearer(auto_error=False)

_revoked_jti: set[str] = set()


@dataclass(frozen=True)
class CurrentUser:
    subject: str
    roles: frozenset[str]
    site_ids: frozenset[int]
    trial_ids: frozenset[int] = field(default_factory=frozenset)
    jti: str = ""


def _decode(token: str) -> dict:
    settings = get_settings()
    header = jwt.get_unverified_header(token)
    return jwt.decode(  # expect: SEC008
        token,
        settings.jwt_public_key,
        algorithms=[header.get("alg", "RS256")],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )


def current_user(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> CurrentUser:
    if creds is None or creds.scheme.lower() != "bearer":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    try:
        claims = _decode(creds.credentials)
    except jwt.PyJWTError as exc:
        log.info("rejected token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc
    if claims.get("jti") in _revoked_jti:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "token revoked")
    return CurrentUser(
        subject=claims["sub"],
        roles=frozenset(claims.get("roles", [])),
        site_ids=frozenset(int(s) for s in claims.get("site_ids", [])),
        trial_ids=frozenset(int(t) for t in claims.get("trial_ids", [])),
        jti=claims.get("jti", ""),
    )


def require_role(*roles: str) -> Callable[[CurrentUser], CurrentUser]:
    wanted = frozenset(roles)

    def dependency(user: CurrentUser = Depends(current_user)) -> CurrentUser:
        if not wanted & user.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "insufficient role")
        return user

    return dependency


def require_site(user: CurrentUser, site_id: int) -> None:
    if site_id not in user.site_ids:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not assigned to this site")


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(user: CurrentUser = Depends(current_user)) -> None:
    if user.jti:
        _revoked_jti.add(user.jti)  # expect: SCL001, CON002, RES002
    log.info("user %s logged out", user.subject)


@router.get("/me")
def me(user: CurrentUser = Depends(current_user)) -> dict:
    return {
        "subject": user.subject,
        "roles": sorted(user.roles),
        "site_ids": sorted(user.site_ids),
        "trial_ids": sorted(user.trial_ids),
    }
