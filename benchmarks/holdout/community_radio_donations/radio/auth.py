"""Donor accounts: sign-up, login and the session dependency."""
import hashlib
import hmac
import logging
import os
import secrets

from fastapi import APIRouter, Cookie, Depends, HTTPException, Response, status
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .config import settings
from .models import Donor, get_session

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])

_sessions: dict[str, int] = {}
SCRYPT_PARAMS = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT_PARAMS)  # ok: SEC009
    return f"{salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    salt_hex, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt_hex)), stored)


class SignupIn(BaseModel):
    email: EmailStr
    name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=10, max_length=200)


class LoginIn(BaseModel):
    email: EmailStr
    password: str


@router.post("/signup", status_code=status.HTTP_201_CREATED)
async def signup(body: SignupIn, session: AsyncSession = Depends(get_session)):
    donor = Donor(email=body.email.lower(), name=body.name, password_hash=hash_password(body.password))
    session.add(donor)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "An account with that e-mail already exists")
    return {"donor_id": donor.id}


@router.post("/login")
async def login(body: LoginIn, response: Response, session: AsyncSession = Depends(get_session)):
    donor = await session.scalar(select(Donor).where(Donor.email == body.email.lower()))
    if donor is None or not verify_password(body.password, donor.password_hash):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong e-mail or password")
    token = secrets.token_urlsafe(32)  # ok: SEC010
    _sessions[token] = donor.id  # expect: SCL001, CON002
    response.set_cookie("donor_session", token, max_age=settings.session_ttl_seconds, samesite="lax")  # expect: SEC012
    logger.info("donor login donor_id=%s", donor.id)
    return {"donor_id": donor.id, "name": donor.name}


async def current_donor(
    donor_session: str | None = Cookie(default=None),
    session: AsyncSession = Depends(get_session),
) -> Donor:
    donor_id = _sessions.get(donor_session or "")
    if donor_id is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Please log in")
    donor = await session.get(Donor, donor_id)
    if donor is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Please log in")
    return donor
