"""ORM models and the session factory for the auction database (PostgreSQL)."""
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index
from sqlalchemy import Integer, String, Text, create_engine, func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

from .config import get_settings


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    payment_customer_id: Mapped[str | None] = mapped_column(String(64))
    unsubscribe_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Auction(Base):
    __tablename__ = "auctions"
    __table_args__ = (
        Index("ix_auctions_status_ends_at", "status", "ends_at"),
        CheckConstraint("current_price_minor >= 0", name="ck_auctions_price_non_negative"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    starting_price_minor: Mapped[int] = mapped_column(BigInteger)
    current_price_minor: Mapped[int] = mapped_column(BigInteger)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ending_soon_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    winner_bid_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    seller: Mapped[User] = relationship(foreign_keys=[seller_id])
    bids: Mapped[list["Bid"]] = relationship(back_populates="auction", lazy="raise_on_sql")


class Bid(Base):
    __tablename__ = "bids"
    __table_args__ = (Index("ix_bids_auction_amount", "auction_id", "amount_minor"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auctions.id"))
    bidder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    hold_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    auction: Mapped[Auction] = relationship(back_populates="bids")
    bidder: Mapped[User] = relationship()


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auctions.id"), unique=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bids.id"))
    provider_capture_id: Mapped[str] = mapped_column(String(64), unique=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    auction_id: Mapped[int] = mapped_column(ForeignKey("auctions.id"))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    settings = get_settings()
    return create_engine(
        str(settings.database_url),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": 5,
            "options": f"-c statement_timeout={settings.db_statement_timeout_ms}",
        },
    )


SessionLocal = sessionmaker(autoflush=False, expire_on_commit=False)
