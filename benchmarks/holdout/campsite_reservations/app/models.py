"""ORM models for parks, sites, customers and reservations."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base

ACTIVE_STATUSES = ("held", "pending_deposit", "confirmed")


class Park(Base):
    __tablename__ = "parks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(40), index=True)
    timezone: Mapped[str] = mapped_column(String(40), default="America/Denver")

    sites: Mapped[list["Site"]] = relationship(back_populates="park")


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"), index=True)
    label: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(16), default="standard")  # standard | group | cabin
    max_party: Mapped[int] = mapped_column(Integer, default=6)
    nightly_rate_cents: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    park: Mapped[Park] = relationship(back_populates="sites")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    auth_subject: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    gateway_customer_id: Mapped[str | None] = mapped_column(String(64))
    cancellations_this_season: Mapped[int] = mapped_column(Integer, default=0, index=True)


class Reservation(Base):
    __tablename__ = "reservations"
    __table_args__ = (
        Index("ix_reservations_site_dates", "site_id", "arrive", "depart"),
        Index("ix_reservations_status_hold", "status", "hold_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    arrive: Mapped[date] = mapped_column(Date)
    depart: Mapped[date] = mapped_column(Date)
    party_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="held")
    total_cents: Mapped[int] = mapped_column(Integer)
    hold_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    site: Mapped[Site] = relationship()


class Deposit(Base):
    __tablename__ = "deposits"

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    gateway_charge_id: Mapped[str | None] = mapped_column(String(64))


class Cancellation(Base):
    __tablename__ = "cancellations"

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), unique=True)
    refund_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class GatewayRequest(Base):
    """Outbox of charges and refunds for the gateway relay worker."""

    __tablename__ = "gateway_requests"
    __table_args__ = (UniqueConstraint("idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # charge | refund
    amount_cents: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class OccupancyStat(Base):
    __tablename__ = "occupancy_stats"
    __table_args__ = (UniqueConstraint("park_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id"))
    day: Mapped[date] = mapped_column(Date)
    guests: Mapped[int] = mapped_column(Integer)
