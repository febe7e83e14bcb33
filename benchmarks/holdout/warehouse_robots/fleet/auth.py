import hashlib
import hmac
import logging

import jwt
from fastapi import Depends, Header, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fleet.settings import get_pool, get_settings

logger = logging.getLogger(__name__)
_bearer = HTTPBearer(auto_error=False)

OPERATE_SCOPE = "fleet:operate"


def decode_operator_token(token: str) -> dict:
    settings = get_settings()
    try:
        return jwt.decode(  # ok: SEC008
            token,
            settings.jwt_secret,
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.InvalidTokenError as exc:
        logger.info("rejected operator token: %s", type(exc).__name__)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token") from exc


async def require_operator(creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> dict:
    if creds is None or creds.scheme.lower() != "bearer":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer token")
    claims = decode_operator_token(creds.credentials)
    if OPERATE_SCOPE not in claims.get("scope", "").split():
        raise HTTPException(status.HTTP_403_FORBIDDEN, "token lacks fleet:operate scope")
    return claims


async def require_supervisor(claims: dict = Depends(require_operator)) -> dict:
    if claims.get("role") != "supervisor":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "supervisor role required")
    return claims


def hash_robot_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()  # ok: SEC009


async def require_robot(
    x_robot_id: str = Header(...),
    x_robot_key: str = Header(...),
    pool=Depends(get_pool),
) -> str:
    async with pool.acquire() as conn:
        stored = await conn.fetchval(
            "SELECT key_hash FROM robots WHERE id = $1 AND status <> 'retired'", x_robot_id  # ok: SEC001
        )
    if stored is None or not hmac.compare_digest(stored, hash_robot_key(x_robot_key)):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown robot or bad key")
    return x_robot_id
