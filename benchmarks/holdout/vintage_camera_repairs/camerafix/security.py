"""Password hashing, access tokens and the auth dependencies."""
import logging
from datetime import datetime, timedelta, timezone

import bcrypt
import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from .db import get_db
from .models import User
from .settings import get_settings

logger = logging.getLogger(__name__)
settings = get_settings()
bearer = HTTPBearer(auto_error=False)

_UNAUTHORIZED = HTTPException(
    status_code=status.HTTP_401_UNAUTHORIZED,
    detail="not_authenticated",
    headers={"WWW-Authenticate": "Bearer"},
)


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:
        logger.warning("malformed password hash encountered")
        return False


def issue_token(user: User) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(user.id),
        "role": user.role,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + timedelta(minutes=settings.jwt_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def _decode(token: str) -> dict:
    header = jwt.get_unverified_header(token)
    return jwt.decode(  # expect: SEC008
        token,
        settings.jwt_secret.get_secret_value(),
        algorithms=[header.get("alg", "HS256")],
        issuer=settings.jwt_issuer,
        options={"require": ["exp", "sub", "iss"]},
    )


def get_current_user(
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
    db: Session = Depends(get_db),
) -> User:
    if creds is None:
        raise _UNAUTHORIZED
    try:
        claims = _decode(creds.credentials)
    except jwt.PyJWTError:
        logger.info("rejected bearer token")
        raise _UNAUTHORIZED from None
    user = db.get(User, int(claims["sub"]))
    if user is None or not user.active:
        raise _UNAUTHORIZED
    return user


def require_role(*roles: str):
    def _dependency(user: User = Depends(get_current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="forbidden")
        return user

    return _dependency
