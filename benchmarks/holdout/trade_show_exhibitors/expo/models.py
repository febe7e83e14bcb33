from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Show(Base):
    __tablename__ = "shows"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Exhibitor(Base):
    __tablename__ = "exhibitors"
    __table_args__ = (Index("ix_exhibitors_show_company", "show_id", "company_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"), index=True)
    owner_user_id: Mapped[int] = mapped_column(Integer, index=True)
    company_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    badge_quota: Mapped[int] = mapped_column(Integer, default=6)
    badges_issued: Mapped[int] = mapped_column(Integer, default=0)
    logo_key: Mapped[Optional[str]] = mapped_column(String(300))

    show: Mapped[Show] = relationship()
    badges: Mapped[list["Badge"]] = relationship(back_populates="exhibitor")


class Booth(Base):
    __tablename__ = "booths"
    __table_args__ = (UniqueConstraint("show_id", "label", name="uq_booth_show_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"))
    label: Mapped[str] = mapped_column(String(16))
    hall: Mapped[str] = mapped_column(String(16))
    size_sqm: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    exhibitor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("exhibitors.id"), index=True)
    held_by_exhibitor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("exhibitors.id"))
    held_until: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), index=True)


class Badge(Base):
    __tablename__ = "badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibitor_id: Mapped[int] = mapped_column(ForeignKey("exhibitors.id"), index=True)
    attendee_name: Mapped[str] = mapped_column(String(120))
    attendee_email: Mapped[str] = mapped_column(String(254))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    exhibitor: Mapped[Exhibitor] = relationship(back_populates="badges")


class BadgeScan(Base):
    __tablename__ = "badge_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id"), index=True)
    gate: Mapped[str] = mapped_column(String(32))
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Brochure(Base):
    __tablename__ = "brochures"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibitor_id: Mapped[int] = mapped_column(ForeignKey("exhibitors.id"), index=True)
    storage_path: Mapped[str] = mapped_column(String(500))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibitor_id: Mapped[int] = mapped_column(ForeignKey("exhibitors.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="eur")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    provider_ref: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
