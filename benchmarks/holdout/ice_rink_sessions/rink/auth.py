"""Customer login and the bearer-token dependency used by every router."""
import logging
from datetime import datetime, timedelta, timezone

import bcrypt
import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rink.db import get_session
from rink.models import Customer
from rink.settings import Settings, get_settings

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["auth"])
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")

ALGORITHM = "HS256"
_UNAUTHORIZED = HTTPException(
    status_code=status.HTTP_401_UNAUTHORIZED,
    detail="invalid or expired token",
    headers={"WWW-Authenticate": "Bearer"},
)


def issue_token(customer: Customer, settings: Settings) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(customer.id),
        "staff": customer.is_staff,
        "iat": now,
        "exp": now + timedelta(minutes=settings.jwt_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)


@router.post("/token")
async def login(
    form: OAuth2PasswordRequestForm = Depends(),
    db: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
):
    customer = await db.scalar(select(Customer).where(Customer.email == form.username.lower()))
    if customer is None or not bcrypt.checkpw(form.password.encode(), customer.password_hash.encode()):
        logger.info("login failed", extra={"email_domain": form.username.partition("@")[2]})
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong email or password")
    return {"access_token": issue_token(customer, settings), "token_type": "bearer"}


async def current_customer(
    token: str = Depends(oauth2_scheme),
    db: AsyncSession = Depends(get_session),
    settings: Settings = Depends(get_settings),
) -> Customer:
    header = jwt.get_unverified_header(token)  # ok: SEC008
    if header.get("alg") != ALGORITHM:
        raise _UNAUTHORIZED
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        raise _UNAUTHORIZED from None

    customer = await db.get(Customer, int(claims["sub"]))
    if customer is None:
        raise _UNAUTHORIZED
    return customer


async def require_staff(customer: Customer = Depends(current_customer)) -> Customer:
    if not customer.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "staff only")
    return customer
