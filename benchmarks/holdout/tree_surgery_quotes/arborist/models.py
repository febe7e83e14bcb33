"""SQLAlchemy models for customers, site visits, quotes, crews and deposits."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from arborist.db import Base


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    address_line: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10), index=True)
    uprn: Mapped[str | None] = mapped_column(String(16))


class SiteVisit(Base):
    __tablename__ = "site_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    requested_for: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    district: Mapped[str | None] = mapped_column(String(80))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = (Index("ix_quotes_status_expires", "status", "expires_at"),)  # ok: DB006

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("site_visits.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    total_pence: Mapped[int] = mapped_column(Integer)
    deposit_pence: Mapped[int] = mapped_column(Integer)
    crew_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    tpo_notes: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    lines: Mapped[list[QuoteLine]] = relationship(lazy="raise", cascade="all, delete-orphan")


class QuoteLine(Base):
    __tablename__ = "quote_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"), index=True)
    operation: Mapped[str] = mapped_column(String(32))
    species: Mapped[str] = mapped_column(String(60))
    height_m: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    price_pence: Mapped[int] = mapped_column(Integer)


class Crew(Base):
    __tablename__ = "crews"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    daily_capacity_hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal("8.0"))


class CrewBooking(Base):
    __tablename__ = "crew_bookings"
    __table_args__ = (Index("ix_crew_bookings_crew_day", "crew_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crew_id: Mapped[int] = mapped_column(ForeignKey("crews.id"))
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    chipper_code: Mapped[str | None] = mapped_column(String(16))
    chipper_hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal("0"))


class ChipperDay(Base):
    __tablename__ = "chipper_days"
    __table_args__ = (UniqueConstraint("chipper_code", "day", name="uq_chipper_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chipper_code: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    capacity_hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    hours_reserved: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal("0"))


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("site_visits.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")


class Deposit(Base):
    __tablename__ = "deposits"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("crew_bookings.id"))
    amount_pence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(24), default="pending")
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
