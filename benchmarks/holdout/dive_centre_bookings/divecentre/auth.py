"""Diver and staff accounts: sign-up, login cookie and the dependencies that read it."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from divecentre.db import get_db
from divecentre.models import Diver
from divecentre.settings import Settings, get_settings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])


class SignupIn(BaseModel):
    email: EmailStr
    full_name: str = Field(min_length=2, max_length=120)
    password: str = Field(min_length=10, max_length=200)


class LoginIn(BaseModel):
    email: EmailStr
    password: str


def hash_password(email: str, password: str) -> str:
    return hashlib.sha256(f"{email.lower()}:{password}".encode()).hexdigest()  # expect: SEC009


def verify_password(email: str, password: str, stored: str) -> bool:
    return hmac.compare_digest(hash_password(email, password), stored)


def create_session_token(diver: Diver, settings: Settings) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(diver.id), "staff": diver.is_staff, "iat": now,
              "exp": now + timedelta(hours=settings.session_ttl_hours)}
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def current_diver(
    request: Request, db: Session = Depends(get_db), settings: Settings = Depends(get_settings)
) -> Diver:
    token = request.cookies.get(settings.session_cookie_name)
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not signed in")
    try:
        claims = jwt.decode(token, settings.jwt_secret.get_secret_value(), algorithms=["HS256"])  # ok: SEC008
    except jwt.PyJWTError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "session expired") from exc
    diver = db.get(Diver, int(claims["sub"]))
    if diver is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account no longer exists")
    return diver


def current_staff(diver: Diver = Depends(current_diver)) -> Diver:
    if not diver.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "staff only")
    return diver


@router.post("/signup", status_code=status.HTTP_201_CREATED)
def signup(body: SignupIn, db: Session = Depends(get_db)) -> dict:
    diver = Diver(email=body.email.lower(), full_name=body.full_name,
                  password_hash=hash_password(body.email, body.password))
    db.add(diver)
    try:
        db.commit()
    except IntegrityError as exc:  # ok: DB005
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "email already registered") from exc
    return {"diver_id": diver.id}


@router.post("/login")
def login(body: LoginIn, response: Response, db: Session = Depends(get_db),
          settings: Settings = Depends(get_settings)) -> dict:
    diver = db.scalar(select(Diver).where(Diver.email == body.email.lower()))
    if diver is None or not verify_password(body.email, body.password, diver.password_hash):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong email or password")
    response.set_cookie(
        settings.session_cookie_name, create_session_token(diver, settings),
        max_age=settings.session_ttl_hours * 3600, secure=True, httponly=True, samesite="lax",  # ok: SEC012
    )
    logger.info("diver %s signed in", diver.id)
    return {"diver_id": diver.id, "staff": diver.is_staff}
