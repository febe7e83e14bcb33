"""Authentication: argon2 password hashes, signed JWTs, Redis-backed throttling."""
import logging
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, EmailStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.db import get_session
from app.models import Member
from app.notify import send_email

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/auth", tags=["auth"])

_hasher = PasswordHasher()
_bearer = HTTPBearer(auto_error=False)

LOGIN_WINDOW_S = 900
LOGIN_MAX_FAILURES = 5


class LoginIn(BaseModel):
    email: EmailStr
    password: str


class ResetIn(BaseModel):
    email: EmailStr


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def issue_token(member: Member) -> str:
    settings = get_settings()
    now = datetime.now(timezone.utc)
    claims = {"sub": str(member.id), "role": member.role, "iat": now, "exp": now + timedelta(minutes=settings.jwt_ttl_minutes)}
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


async def current_member(
    creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
    session: AsyncSession = Depends(get_session),
) -> Member:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not signed in")
    try:
        claims = jwt.decode(
            creds.credentials,
            get_settings().jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or expired token") from None
    member = await session.get(Member, int(claims["sub"]))
    if member is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Unknown member")
    return member


@router.post("/login")
async def login(body: LoginIn, request: Request, session: AsyncSession = Depends(get_session)):
    redis = request.app.state.redis
    key = f"rowing:login-failures:{body.email.lower()}"
    failures = int(await redis.get(key) or 0)
    if failures >= LOGIN_MAX_FAILURES:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "Too many attempts, try again later")

    member = await session.scalar(select(Member).where(Member.email == body.email.lower()))
    if member is None or not verify_password(member.password_hash, body.password):
        async with redis.pipeline(transaction=True) as pipe:
            await pipe.incr(key).expire(key, LOGIN_WINDOW_S).execute()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong email or password")

    await redis.delete(key)
    return {"access_token": issue_token(member), "token_type": "bearer"}


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
async def request_reset(body: ResetIn, request: Request, session: AsyncSession = Depends(get_session)):
    member = await session.scalar(select(Member).where(Member.email == body.email.lower()))
    if member is not None:
        code = f"{secrets.randbelow(1_000_000):06d}"  # ok: SEC010
        await request.app.state.redis.set(f"rowing:pwreset:{member.id}", hash_password(code), ex=900)
        await send_email(member.email, "Your password reset code", f"Your code is {code}. It expires in 15 minutes.")
        logger.info("password reset code issued for member %s", member.id)
    return {"detail": "If that address is registered, a code is on its way."}
