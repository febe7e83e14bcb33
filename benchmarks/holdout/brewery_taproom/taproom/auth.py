"""Bearer-token authentication for patrons (app) and staff (POS tablets)."""
import json
import os
import time
from functools import lru_cache

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

_bearer = HTTPBearer(auto_error=False)

ISSUER = "https://auth.taproom.example"
AUDIENCE = "taproom-api"
ALGORITHMS = ["HS256"]
ACCESS_TTL_SECONDS = 15 * 60


@lru_cache(maxsize=1)
def _signing_keys() -> dict[str, str]:
    """Key id -> secret, e.g. {"2024-06": "...", "2024-09": "..."}; rotated via the secret store."""
    raw = os.environ.get("TAPROOM_JWT_KEYS")
    if not raw:
        raise RuntimeError("TAPROOM_JWT_KEYS is not configured")
    keys = json.loads(raw)
    if not keys:
        raise RuntimeError("TAPROOM_JWT_KEYS is empty")
    return keys


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail,
                         headers={"WWW-Authenticate": "Bearer"})


def decode_token(token: str) -> dict:
    try:
        kid = jwt.get_unverified_header(token).get("kid")  # ok: SEC008
        key = _signing_keys().get(kid)
        if key is None:
            raise _unauthorized("unknown signing key")
        return jwt.decode(
            token, key, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=ISSUER,
            options={"require": ["exp", "sub", "role"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized("token expired")
    except jwt.InvalidTokenError:
        raise _unauthorized("invalid token")


def current_claims(creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict:
    if creds is None:
        raise _unauthorized("missing bearer token")
    return decode_token(creds.credentials)


def current_patron_id(claims: dict = Depends(current_claims)) -> int:
    if claims["role"] != "patron":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="patron token required")
    return int(claims["sub"])


def require_staff(claims: dict = Depends(current_claims)) -> dict:
    if claims["role"] not in ("bartender", "manager"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="staff only")
    return claims


def issue_token(subject: str, role: str, ttl: int = ACCESS_TTL_SECONDS) -> str:
    kid, key = sorted(_signing_keys().items())[-1]
    now = int(time.time())
    claims = {"sub": subject, "role": role, "iat": now, "exp": now + ttl,
              "iss": ISSUER, "aud": AUDIENCE}
    return jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid})
