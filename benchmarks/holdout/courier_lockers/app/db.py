import os
from datetime import datetime
from typing import AsyncIterator, Optional

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgresql+asyncpg://lockers@localhost:5432/lockers"
)

engine = create_async_engine(
    DATABASE_URL,
    pool_size=int(os.environ.get("DB_POOL_SIZE", "10")),
    max_overflow=5,
    pool_timeout=10,
    pool_pre_ping=True,
    connect_args={"timeout": 5, "command_timeout": 15},
)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class Locker(Base):
    __tablename__ = "lockers"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    label: Mapped[str] = mapped_column(String(16))
    size: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="free")

    __table_args__ = (Index("ix_lockers_site_size_status", "site_id", "size", "status"),)


class Parcel(Base):
    __tablename__ = "parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    locker_id: Mapped[int] = mapped_column(ForeignKey("lockers.id"), index=True)
    courier_id: Mapped[int] = mapped_column(Integer, index=True)
    recipient_id: Mapped[int] = mapped_column(Integer, index=True)
    tracking_number: Mapped[str] = mapped_column(String(40), unique=True)
    recipient_phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="stored", index=True)
    pickup_code_hash: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    picked_up_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    fee_paid_cents: Mapped[int] = mapped_column(Integer, default=0)


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    locker_id: Mapped[int] = mapped_column(ForeignKey("lockers.id"), index=True)
    customer_id: Mapped[int] = mapped_column(Integer, index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="active")


class CustomerAccount(Base):
    __tablename__ = "customer_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    balance_cents: Mapped[int] = mapped_column(Integer, default=0)
    payment_method_ref: Mapped[Optional[str]] = mapped_column(String(64))


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
