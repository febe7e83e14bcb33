"""Database engines, sessions and request dependencies shared by the routers."""
import os
from collections.abc import AsyncIterator, Iterator
from functools import lru_cache

import jwt
from fastapi import Depends, Header, HTTPException
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+psycopg://hotel@localhost:5432/hotel")
ASYNC_DATABASE_URL = os.environ.get("ASYNC_DATABASE_URL", "postgresql+asyncpg://hotel@localhost:5432/hotel")
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

engine = create_engine(
    DATABASE_URL,
    pool_size=POOL_SIZE,
    max_overflow=5,
    pool_pre_ping=True,
    pool_timeout=10,
    connect_args={"connect_timeout": 5},  # ok: REL001
)
async_engine = create_async_engine(
    ASYNC_DATABASE_URL,
    pool_size=POOL_SIZE,
    max_overflow=5,
    pool_pre_ping=True,
    connect_args={"timeout": 5},  # ok: REL001
)

SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
AsyncSessionLocal = async_sessionmaker(bind=async_engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


@lru_cache(maxsize=1)
def jwt_secret() -> str:
    """Signing key for guest and staff tokens, validated on first use."""
    secret = os.environ.get("JWT_SECRET", "")  # ok: SEC005
    if len(secret) < 32:
        raise RuntimeError("JWT_SECRET must be set to at least 32 characters")
    return secret


def get_session() -> Iterator[Session]:
    """Yield a sync session that is closed when the request finishes."""
    with SessionLocal() as session:
        yield session


async def get_async_session() -> AsyncIterator[AsyncSession]:
    """Yield an async session for the async endpoints."""
    async with AsyncSessionLocal() as session:
        yield session


def _claims(authorization: str) -> dict:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status_code=401, detail="missing bearer token")
    try:
        return jwt.decode(token, jwt_secret(), algorithms=["HS256"], audience="hotel-api")  # ok: SEC008
    except jwt.InvalidTokenError:
        raise HTTPException(status_code=401, detail="invalid token") from None


def current_guest(authorization: str = Header(...), session: Session = Depends(get_session)):
    """Resolve the guest behind the bearer token."""
    from .models import Guest

    claims = _claims(authorization)
    guest = session.get(Guest, int(claims["sub"]))
    if guest is None:
        raise HTTPException(status_code=401, detail="unknown guest")
    return guest


def require_staff(authorization: str = Header(...)) -> dict:
    """Allow front-desk and revenue staff only."""
    claims = _claims(authorization)
    if claims.get("role") not in ("front_desk", "revenue", "manager"):
        raise HTTPException(status_code=403, detail="staff only")
    return claims
