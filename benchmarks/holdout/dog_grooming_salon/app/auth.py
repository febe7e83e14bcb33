"""Customer registration, login and the current-user dependencies."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

import bcrypt
import jwt
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .config import get_settings
from .db import get_session
from .models import Customer

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
COOKIE_NAME = "salon_session"


class RegisterIn(BaseModel):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=120)
    phone: str = Field(default="", max_length=20)
    password: str = Field(min_length=10, max_length=128)


class LoginIn(BaseModel):
    email: EmailStr
    password: str


def _issue_token(customer: Customer) -> str:
    settings = get_settings()
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(customer.id),
        "staff": customer.is_staff,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + timedelta(minutes=settings.session_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def _decode(token: str) -> dict:
    settings = get_settings()
    header = jwt.get_unverified_header(token)
    return jwt.decode(
        token,
        settings.jwt_secret.get_secret_value(),
        algorithms=[header.get("alg", "HS256")],  # expect: SEC008
        issuer=settings.jwt_issuer,
    )


@router.post("/register", status_code=201)
async def register(body: RegisterIn, session: AsyncSession = Depends(get_session)):
    hashed = await asyncio.to_thread(bcrypt.hashpw, body.password.encode(), bcrypt.gensalt(rounds=12))
    customer = Customer(
        email=body.email.lower(), full_name=body.full_name, phone=body.phone, password_hash=hashed.decode()
    )
    session.add(customer)
    try:
        await session.commit()  # ok: DB005
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "an account with this email already exists")
    return {"id": customer.id}


@router.post("/login")
async def login(body: LoginIn, response: Response, session: AsyncSession = Depends(get_session)):
    customer = (
        await session.execute(select(Customer).where(Customer.email == body.email.lower()))
    ).scalar_one_or_none()
    valid = customer is not None and await asyncio.to_thread(  # ok: CON001
        bcrypt.checkpw, body.password.encode(), customer.password_hash.encode()
    )
    if not valid:
        logger.info("login failed for email domain=%s", body.email.split("@")[-1])
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid email or password")
    token = _issue_token(customer)
    max_age = get_settings().session_ttl_minutes * 60
    response.set_cookie(COOKIE_NAME, token, max_age=max_age, httponly=True, samesite="lax")  # expect: SEC012
    logger.info("customer logged in id=%s", customer.id)
    return {"id": customer.id, "full_name": customer.full_name}


async def current_customer(request: Request, session: AsyncSession = Depends(get_session)) -> Customer:
    token = request.cookies.get(COOKIE_NAME)
    auth_header = request.headers.get("Authorization", "")
    if not token and auth_header.startswith("Bearer "):
        token = auth_header.removeprefix("Bearer ")
    if not token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not signed in")
    try:
        claims = _decode(token)
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "session expired or invalid")
    customer = await session.get(Customer, int(claims["sub"]))
    if customer is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account no longer exists")
    return customer


async def require_staff(customer: Customer = Depends(current_customer)) -> Customer:
    if not customer.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "staff only")
    return customer
