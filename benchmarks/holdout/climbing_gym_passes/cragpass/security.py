"""Password hashing, access tokens and the dependencies that resolve the caller."""
import asyncio
from datetime import datetime, timedelta, timezone
from typing import Annotated

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from cragpass.db import get_session
from cragpass.models import Climber
from cragpass.settings import get_settings

ALGORITHM = "HS256"
_hasher = PasswordHasher()
_bearer = HTTPBearer(auto_error=False)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, stored_hash, password)
    except VerificationError:
        return False


def create_access_token(climber: Climber, *, minutes: int | None = None) -> str:
    s = get_settings()
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(climber.id),
        "role": climber.role,
        "aud": s.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=minutes or s.access_token_minutes),
    }
    key = s.jwt_signing_keys[s.jwt_active_kid].get_secret_value()
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": s.jwt_active_kid})


def decode_access_token(token: str) -> dict:
    s = get_settings()
    kid = jwt.get_unverified_header(token).get("kid")  # ok: SEC008
    secret = s.jwt_signing_keys.get(kid or "")
    if secret is None:
        raise jwt.InvalidTokenError("unknown signing key")
    return jwt.decode(
        token,
        secret.get_secret_value(),
        algorithms=[ALGORITHM],
        audience=s.jwt_audience,
        options={"require": ["exp", "iat", "sub"]},
    )


async def current_climber(
    creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
    session: AsyncSession = Depends(get_session),
) -> Climber:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    try:
        claims = decode_access_token(creds.credentials)
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or expired token") from None
    climber = await session.get(Climber, int(claims["sub"]))
    if climber is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Unknown account")
    return climber


async def require_staff(climber: Climber = Depends(current_climber)) -> Climber:
    if climber.role != "staff":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Staff only")
    return climber


CurrentClimber = Annotated[Climber, Depends(current_climber)]
StaffUser = Annotated[Climber, Depends(require_staff)]
