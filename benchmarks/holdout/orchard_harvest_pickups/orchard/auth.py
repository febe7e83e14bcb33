"""Authentication for pickers and staff (JWT bearer) and for weigh-station devices."""
import datetime as dt
import hashlib
import hmac
import logging

import jwt
from fastapi import APIRouter, Depends, Header, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import get_settings
from .db import get_session
from .models import Device, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
bearer = HTTPBearer(auto_error=False)
settings = get_settings()


def hash_password(password: str) -> str:
    pepper = settings.password_pepper.get_secret_value()
    return hashlib.sha256((pepper + password).encode("utf-8")).hexdigest()  # expect: SEC009


def verify_password(password: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_password(password), stored_hash)


def create_access_token(user: User) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    claims = {
        "sub": str(user.id),
        "staff": user.is_staff,
        "iat": now,
        "exp": now + dt.timedelta(minutes=settings.access_token_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=settings.jwt_algorithm)


def current_user(
    creds: HTTPAuthorizationCredentials | None = Depends(bearer),
    session: Session = Depends(get_session),
) -> User:
    if creds is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated")
    try:
        claims = jwt.decode(  # ok: SEC008
            creds.credentials,
            settings.jwt_secret.get_secret_value(),
            algorithms=[settings.jwt_algorithm],
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or expired token")
    user = session.get(User, int(claims["sub"]))
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Unknown user")
    return user


def current_device(
    x_device_token: str = Header(...),
    session: Session = Depends(get_session),
) -> Device:
    """Weigh-station scales send the token minted for them by the provisioning gateway."""
    try:
        claims = jwt.decode(x_device_token, options={"verify_signature": False})  # expect: SEC008
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Malformed device token")
    device = session.get(Device, claims.get("device_id", ""))
    if device is None or not device.active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Unknown or retired device")
    return device


class LoginIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


@router.post("/token")
def login(body: LoginIn, session: Session = Depends(get_session)) -> dict:
    user = session.scalar(select(User).where(User.email == body.email.lower()))
    if user is None or not verify_password(body.password, user.password_hash):
        logger.info("failed login for user id %s", user.id if user else "unknown")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong email or password")
    return {"access_token": create_access_token(user), "token_type": "bearer"}
