import logging
import os
from typing import Optional

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt import PyJWKClient
from pydantic import BaseModel

logger = logging.getLogger(__name__)

JWKS_URL = os.environ.get("JWKS_URL", "https://login.example-insurer.com/.well-known/jwks.json")
JWT_AUDIENCE = os.environ.get("JWT_AUDIENCE", "claims-api")
JWT_ISSUER = os.environ.get("JWT_ISSUER", "https://login.example-insurer.com/")

STAFF_ROLES = ("adjuster", "supervisor", "underwriter")

_jwks = PyJWKClient(JWKS_URL, cache_keys=True, lifespan=3600, timeout=5)
_bearer = HTTPBearer(auto_error=True)


class CurrentUser(BaseModel):
    id: int
    role: str
    email: Optional[str] = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


def _decode(token: str) -> dict:
    header = jwt.get_unverified_header(token)  # ok: SEC008
    if header.get("alg") != "RS256":
        raise jwt.InvalidAlgorithmError("unexpected alg")
    signing_key = _jwks.get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        audience=JWT_AUDIENCE,
        issuer=JWT_ISSUER,
    )


def current_user(creds: HTTPAuthorizationCredentials = Depends(_bearer)) -> CurrentUser:
    try:
        claims = _decode(creds.credentials)
    except jwt.PyJWTError as exc:
        logger.warning("rejected bearer token: %s", type(exc).__name__)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail={"error": "invalid_token"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    return CurrentUser(
        id=int(claims["sub"]),
        role=claims.get("role", "claimant"),
        email=claims.get("email"),
    )


def require_role(*roles: str):
    def checker(user: CurrentUser = Depends(current_user)) -> CurrentUser:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail={"error": "forbidden"})
        return user

    return checker
