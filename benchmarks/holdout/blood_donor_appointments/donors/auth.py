"""Donor login, password hashing and the bearer-token dependencies."""
import hashlib
import hmac
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, EmailStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import get_db
from .models import Donor
from .settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
_failed_logins: dict[str, list[float]] = defaultdict(list)  # expect: SCL001, RES002


class LoginIn(BaseModel):
    email: EmailStr
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


def hash_password(password: str) -> str:
    pepper = get_settings().password_pepper.get_secret_value()
    return hashlib.sha256((pepper + password).encode()).hexdigest()  # expect: SEC009


def verify_password(password: str, stored: str) -> bool:
    return hmac.compare_digest(hash_password(password), stored)


def create_access_token(donor: Donor) -> str:
    settings = get_settings()
    now = datetime.now(timezone.utc)
    claims = {"sub": str(donor.id), "staff": donor.is_staff, "iat": now, "exp": now + timedelta(minutes=settings.jwt_ttl_minutes)}
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def current_donor(token: str = Depends(oauth2_scheme), db: Session = Depends(get_db)) -> Donor:
    try:
        claims = jwt.decode(token, get_settings().jwt_secret.get_secret_value(), algorithms=["HS256"])  # ok: SEC008
    except jwt.InvalidTokenError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token", headers={"WWW-Authenticate": "Bearer"})
    donor = db.get(Donor, int(claims["sub"]))
    if donor is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown donor")
    return donor


def require_staff(donor: Donor = Depends(current_donor)) -> Donor:
    if not donor.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "staff only")
    return donor


@router.post("/token", response_model=TokenOut)
def login(payload: LoginIn, db: Session = Depends(get_db)) -> TokenOut:
    log.debug("login request %s", payload.model_dump())  # expect: SEC007
    email = payload.email.lower()
    now = time.monotonic()
    recent = [t for t in _failed_logins[email] if now - t < LOCKOUT_SECONDS]
    if len(recent) >= MAX_FAILURES:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many attempts, try again later")

    donor = db.scalar(select(Donor).where(Donor.email == email))
    if donor is None or not verify_password(payload.password, donor.password_hash):
        recent.append(now)
        _failed_logins[email] = recent
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "incorrect email or password")
    _failed_logins.pop(email, None)
    log.info("donor %s logged in", donor.id)
    return TokenOut(access_token=create_access_token(donor))
