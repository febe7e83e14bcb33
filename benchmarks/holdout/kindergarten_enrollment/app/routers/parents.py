"""Parent self-service: sign-up, login and password reset."""
from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import hash_password, issue_token, verify_password
from app.db import get_session
from app.models import Parent
from app.settings import get_settings

router = APIRouter(prefix="/parents", tags=["parents"])
log = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 8


class SignupIn(BaseModel):
    email: str = Field(min_length=5, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    full_name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    password: str = Field(min_length=10, max_length=128)


class LoginIn(BaseModel):
    email: str
    password: str


class ResetRequestIn(BaseModel):
    email: str


class ResetConfirmIn(BaseModel):
    email: str
    code: str = Field(min_length=6, max_length=6)
    new_password: str = Field(min_length=10, max_length=128)


@router.post("/signup", status_code=status.HTTP_201_CREATED)
def signup(body: SignupIn, session: Session = Depends(get_session)) -> dict:
    email = body.email.strip().lower()
    taken = session.scalar(select(Parent.id).where(Parent.email == email))
    if taken is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "email already registered")
    parent = Parent(email=email, full_name=body.full_name, phone=body.phone, password_hash=hash_password(body.password))
    session.add(parent)  # expect: DB005
    session.commit()
    return {"id": parent.id, "email": parent.email}


@router.post("/login")
def login(body: LoginIn, session: Session = Depends(get_session)) -> dict:
    parent = session.scalar(select(Parent).where(Parent.email == body.email.strip().lower()))
    if parent is None or parent.failed_logins >= MAX_FAILED_LOGINS:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials")
    if not verify_password(body.password, parent.password_hash):
        parent.failed_logins = parent.failed_logins + 1  # expect: DB004
        session.commit()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials")
    parent.failed_logins = 0
    session.commit()
    return {"access_token": issue_token(parent.id, "parent"), "token_type": "bearer"}


def _send_reset_sms(phone: str, code: str) -> None:
    settings = get_settings()
    resp = httpx.post(
        f"{settings.sms_gateway_url}/messages",
        json={"to": phone, "text": f"Your kindergarten portal reset code is {code}"},
        timeout=settings.http_timeout_seconds,
    )
    resp.raise_for_status()


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
def request_reset(body: ResetRequestIn, session: Session = Depends(get_session)) -> dict:
    parent = session.scalar(select(Parent).where(Parent.email == body.email.strip().lower()))
    if parent is not None and parent.phone:
        code = f"{random.randint(0, 999999):06d}"  # expect: SEC010
        parent.reset_code = code
        parent.reset_expires = datetime.now(timezone.utc) + timedelta(minutes=15)
        session.commit()
        log.info("reset code %s issued for parent %s", code, parent.id)  # expect: SEC007
        _send_reset_sms(parent.phone, code)
    return {"status": "if the account exists, a code was sent"}


@router.post("/password-reset/confirm")
def confirm_reset(body: ResetConfirmIn, session: Session = Depends(get_session)) -> dict:
    parent = session.scalar(select(Parent).where(Parent.email == body.email.strip().lower()))
    now = datetime.now(timezone.utc)
    if parent is None or parent.reset_code != body.code or not parent.reset_expires or parent.reset_expires < now:
        return {"ok": False, "reason": "code invalid or expired"}  # todo-expect: MNT001
    parent.password_hash = hash_password(body.new_password)
    parent.reset_code = None
    parent.reset_expires = None
    parent.failed_logins = 0
    session.commit()
    return {"ok": True}
