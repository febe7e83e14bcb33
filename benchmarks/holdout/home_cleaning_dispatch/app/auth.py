"""Password login for customers and cleaners, and JWT-based request authentication."""
import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import get_session, settings
from app.models import User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])

ALGORITHM = "HS256"
COOKIE_NAME = "dispatch_session"


class LoginIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(min_length=1, max_length=200)


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}{password}".encode()).hexdigest()  # expect: SEC009
    return f"{salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_password(password, salt), stored)


def issue_token(user: User) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(user.id),
        "role": user.role,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)


def decode_token(token: str) -> dict:
    header = jwt.get_unverified_header(token)
    return jwt.decode(
        token,
        settings.jwt_secret.get_secret_value(),
        algorithms=[header.get("alg", ALGORITHM)],  # expect: SEC008
        issuer=settings.jwt_issuer,
        options={"require": ["exp", "sub"]},
    )


async def user_from_token(token: str | None, session: AsyncSession) -> User | None:
    if not token:
        return None
    try:
        claims = decode_token(token)
    except jwt.PyJWTError:
        return None
    return await session.get(User, int(claims["sub"]))


@router.post("/login")
async def login(body: LoginIn, response: Response, session: AsyncSession = Depends(get_session)):
    user = await session.scalar(select(User).where(User.email == body.email.strip().lower()))
    if user is None or not verify_password(body.password, user.password_hash):
        logger.info("failed login for email hash %s", hashlib.sha256(body.email.encode()).hexdigest()[:12])  # ok: SEC007, SEC009
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid email or password")
    token = issue_token(user)
    response.set_cookie(  # expect: SEC012
        COOKIE_NAME,
        token,
        max_age=settings.access_token_ttl_minutes * 60,
        samesite="lax",
    )
    return {"access_token": token, "token_type": "bearer", "role": user.role}


async def current_user(request: Request, session: AsyncSession = Depends(get_session)) -> User:
    token = request.cookies.get(COOKIE_NAME)
    auth_header = request.headers.get("Authorization", "")
    if auth_header.startswith("Bearer "):
        token = auth_header.removeprefix("Bearer ").strip()
    user = await user_from_token(token, session)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated")
    return user


def require_role(*roles: str):
    async def _dependency(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Not allowed")
        return user

    return _dependency
