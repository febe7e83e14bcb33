"""Database engine, session dependency, psycopg pool and ORM models."""
from datetime import datetime
from functools import lru_cache
from typing import Iterator

from psycopg_pool import ConnectionPool
from sqlalchemy import (
    BigInteger, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, create_engine, func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from .settings import get_settings


class Base(DeclarativeBase):
    pass


class Patron(Base):
    __tablename__ = "patrons"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    credit_cents: Mapped[int] = mapped_column(Integer, default=0)
    card_token: Mapped[str | None] = mapped_column(String(80))


class Seat(Base):
    __tablename__ = "seats"
    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(Integer, index=True)
    section: Mapped[str] = mapped_column(String(20))
    row_label: Mapped[str] = mapped_column(String(4))
    number: Mapped[int] = mapped_column(Integer)


class Subscription(Base):
    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"), index=True)
    series_id: Mapped[int] = mapped_column(Integer)
    seat_id: Mapped[int] = mapped_column(ForeignKey("seats.id"))
    season: Mapped[str] = mapped_column(String(9))
    status: Mapped[str] = mapped_column(String(16), default="active")
    price_cents: Mapped[int] = mapped_column(Integer)
    renewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    patron: Mapped[Patron] = relationship(lazy="raise")
    seat: Mapped[Seat] = relationship(lazy="raise")

    __table_args__ = (
        Index("ix_subscriptions_series_seat", "series_id", "seat_id"),
        Index("ix_subscriptions_season_status", "season", "status"),
    )


class GiftVoucher(Base):
    __tablename__ = "gift_vouchers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    redeemed_by: Mapped[int | None] = mapped_column(ForeignKey("patrons.id"))
    redeemed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RenewalCharge(Base):
    __tablename__ = "renewal_charges"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    season: Mapped[str] = mapped_column(String(9))
    gateway_charge_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (UniqueConstraint("subscription_id", "season", name="one_renewal_per_season"),)


@lru_cache(maxsize=1)
def get_engine():
    s = get_settings()
    return create_engine(
        s.database_url,
        pool_size=s.db_pool_size,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={"connect_timeout": s.db_connect_timeout},
    )


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def get_db() -> Iterator[Session]:
    session = session_factory()()
    try:
        yield session
    finally:
        session.close()


@lru_cache(maxsize=1)
def get_pool() -> ConnectionPool:
    s = get_settings()
    return ConnectionPool(
        s.psycopg_dsn,
        min_size=1,
        max_size=s.db_pool_size,
        timeout=10,
        kwargs={"connect_timeout": s.db_connect_timeout},
        open=False,
    )
