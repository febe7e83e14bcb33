"""Member login: password check, JWT access tokens, refresh-token cookie."""
import hashlib
import secrets
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Cookie, Depends, HTTPException, Response, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .db import get_session
from .models import Member
from .settings import Settings, get_settings

router = APIRouter(prefix="/auth", tags=["auth"])
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")

MAX_FAILURES = 5
WINDOW_SECONDS = 900
_failed_logins: dict[str, list[float]] = defaultdict(list)  # expect: SCL001


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()  # expect: SEC009
    return f"{salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return secrets.compare_digest(hash_password(password, salt), stored)


def issue_token(member: Member, settings: Settings, kind: str, lifetime: timedelta) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(member.id), "role": member.role, "typ": kind,
              "iat": now, "exp": now + lifetime, "iss": settings.jwt_issuer}
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def _locked_out(email: str) -> bool:
    cutoff = time.monotonic() - WINDOW_SECONDS
    recent = [t for t in _failed_logins[email] if t > cutoff]
    _failed_logins[email] = recent
    return len(recent) >= MAX_FAILURES


def _access_response(member: Member, settings: Settings, response: Response) -> dict:
    refresh = issue_token(member, settings, "refresh", timedelta(days=settings.refresh_token_days))
    response.set_cookie(  # ok: SEC012
        "range_refresh", refresh, max_age=settings.refresh_token_days * 86400,
        httponly=True, secure=True, samesite="none", path="/auth",
    )
    access = issue_token(member, settings, "access", timedelta(minutes=settings.access_token_minutes))
    return {"access_token": access, "token_type": "bearer"}


@router.post("/token")
async def login(response: Response, form: OAuth2PasswordRequestForm = Depends(),
                session: AsyncSession = Depends(get_session), settings: Settings = Depends(get_settings)):
    email = form.username.strip().lower()
    if _locked_out(email):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many failed attempts, try later")
    member = await session.scalar(select(Member).where(Member.email == email))
    if member is None or not verify_password(form.password, member.password_hash):
        _failed_logins[email].append(time.monotonic())
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid email or password",
                            headers={"WWW-Authenticate": "Bearer"})
    _failed_logins.pop(email, None)
    return _access_response(member, settings, response)


@router.post("/refresh")
async def refresh(response: Response, range_refresh: str | None = Cookie(default=None),
                  session: AsyncSession = Depends(get_session), settings: Settings = Depends(get_settings)):
    if not range_refresh:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not signed in")
    claims = jwt.decode(range_refresh, options={"verify_signature": False})  # expect: SEC008
    if claims.get("typ") != "refresh":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not a refresh token")
    member = await session.get(Member, int(claims["sub"]))
    if member is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown member")
    return _access_response(member, settings, response)


async def current_member(token: str = Depends(oauth2_scheme), session: AsyncSession = Depends(get_session),
                         settings: Settings = Depends(get_settings)) -> Member:
    try:
        claims = jwt.decode(token, settings.jwt_secret.get_secret_value(), algorithms=["HS256"],  # ok: SEC008
                            issuer=settings.jwt_issuer)
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token",
                            headers={"WWW-Authenticate": "Bearer"}) from None
    if claims.get("typ") != "access":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")
    member = await session.get(Member, int(claims["sub"]))
    if member is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown member")
    return member


async def require_staff(member: Member = Depends(current_member)) -> Member:
    if member.role not in {"staff", "manager"}:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "staff only")
    return member
