import logging
from dataclasses import dataclass
from functools import lru_cache

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from settings import load_settings

logger = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False)
settings = load_settings()


@dataclass(frozen=True)
class Caller:
    user_id: int
    roles: frozenset[str]

    @property
    def is_moderator(self) -> bool:
        return "moderator" in self.roles or "admin" in self.roles


@lru_cache(maxsize=1)
def _public_key() -> str:
    with open(settings.jwt_public_key_path, encoding="utf-8") as fh:
        return fh.read()


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail={"code": "unauthorized", "message": message},
        headers={"WWW-Authenticate": "Bearer"},
    )


async def current_caller(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
    if creds is None:
        raise _unauthorized("missing bearer token")
    try:
        claims = jwt.decode(
            creds.credentials,
            _public_key(),  # ok: CON001
            algorithms=["RS256"],  # ok: SEC008
            audience=settings.jwt_audience,
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError as exc:
        logger.warning("rejected token: %s", type(exc).__name__)
        raise _unauthorized("invalid token") from exc
    return Caller(user_id=int(claims["sub"]), roles=frozenset(claims.get("roles", [])))


async def require_moderator(caller: Caller = Depends(current_caller)) -> Caller:
    if not caller.is_moderator:  # ok: SEC017
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN,
                            detail={"code": "forbidden", "message": "moderator role required"})
    return caller
