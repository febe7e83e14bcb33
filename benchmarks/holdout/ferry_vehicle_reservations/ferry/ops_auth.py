"""Port-operations staff authentication (company SSO, RS256 tokens from a JWKS)."""
import logging
from dataclasses import dataclass

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
bearer = HTTPBearer(auto_error=True)

ALLOWED_ALGORITHMS = ["RS256"]
_jwks = jwt.PyJWKClient(str(settings.ops_jwks_url), cache_keys=True, lifespan=600, timeout=5)


@dataclass(frozen=True)
class StaffUser:
    subject: str
    name: str
    roles: frozenset[str]


def _verify(token: str) -> dict:
    header = jwt.get_unverified_header(token)  # ok: SEC008
    if header.get("alg") not in ALLOWED_ALGORITHMS:
        raise jwt.InvalidAlgorithmError(f"unexpected alg {header.get('alg')!r}")
    signing_key = _jwks.get_signing_key_from_jwt(token)  # ok: CON001
    return jwt.decode(
        token,
        signing_key.key,
        algorithms=ALLOWED_ALGORITHMS,
        audience=settings.ops_audience,
        options={"require": ["exp", "iat", "sub", "aud"]},
        leeway=30,
    )


def current_staff(credentials: HTTPAuthorizationCredentials = Depends(bearer)) -> StaffUser:
    """Plain ``def`` on purpose: FastAPI runs it in the thread pool, so the JWKS
    fetch (urllib, blocking) never stalls the event loop."""
    try:
        claims = _verify(credentials.credentials)
    except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
        log.info("rejected staff token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid staff token") from exc
    return StaffUser(
        subject=claims["sub"],
        name=claims.get("name", claims["sub"]),
        roles=frozenset(claims.get("roles", [])),
    )


def require_role(role: str):
    def checker(staff: StaffUser = Depends(current_staff)) -> StaffUser:
        if role not in staff.roles:
            log.warning("staff %s lacks role %s", staff.subject, role)
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"Requires the {role} role")
        return staff

    return checker
