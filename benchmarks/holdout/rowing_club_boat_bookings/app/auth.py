"""Member sign-in for the legacy mobile app (v1 API)."""
import hashlib
import logging
import random
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, EmailStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.db import get_session
from app.models import Member
from app.notify import send_email

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/auth", tags=["auth-v1"])

LOCKOUT_WINDOW_S = 900
MAX_FAILURES = 5

_failed_logins: dict[str, list[float]] = defaultdict(list)


class Credentials(BaseModel):
    email: EmailStr
    password: str


class ResetRequest(BaseModel):
    email: EmailStr


class ResetConfirm(BaseModel):
    email: EmailStr
    code: str
    new_password: str


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()  # expect: SEC009


def _recent_failures(email: str) -> int:
    cutoff = time.time() - LOCKOUT_WINDOW_S
    return sum(1 for t in _failed_logins[email] if t > cutoff)


@router.post("/login")
async def login(body: Credentials, session: AsyncSession = Depends(get_session)):
    email = body.email.lower()
    if _recent_failures(email) >= MAX_FAILURES:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "Too many attempts, try again later")

    member = await session.scalar(select(Member).where(Member.email == email))
    if member is None or member.password_hash != hash_password(body.password):
        _failed_logins[email].append(time.time())  # expect: SCL001, RES002
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong email or password")

    _failed_logins.pop(email, None)
    settings = get_settings()
    now = datetime.now(timezone.utc)
    token = jwt.encode(
        {"sub": str(member.id), "role": member.role, "exp": now + timedelta(minutes=settings.jwt_ttl_minutes)},
        settings.jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    return {"access_token": token, "token_type": "bearer"}


@router.post("/reset", status_code=status.HTTP_202_ACCEPTED)
async def request_reset(body: ResetRequest, request: Request, session: AsyncSession = Depends(get_session)):
    member = await session.scalar(select(Member).where(Member.email == body.email.lower()))
    if member is not None:
        code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
        await request.app.state.redis.set(f"rowing:v1-reset:{member.id}", code, ex=900)
        await send_email(member.email, "Your password reset code", f"Your code is {code}.")
        logger.info("reset code sent to member %s", member.id)
    return {"detail": "If that address is registered, a code is on its way."}


@router.post("/reset/confirm")
async def confirm_reset(body: ResetConfirm, request: Request, session: AsyncSession = Depends(get_session)):
    member = await session.scalar(select(Member).where(Member.email == body.email.lower()))
    if member is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Invalid code")
    key = f"rowing:v1-reset:{member.id}"
    stored = await request.app.state.redis.getdel(key)
    if stored is None or stored.decode() != body.code:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Invalid code")
    member.password_hash = hash_password(body.new_password)
    await session.commit()
    logger.info("password reset completed for member %s", member.id)
    return {"detail": "Password updated"}
