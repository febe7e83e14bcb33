"""ORM models for climbers and entry: passes, punch cards, visits, memberships, certs, waivers."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from cragpass.db import Base


class Climber(Base):
    __tablename__ = "climbers"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="climber")  # climber | staff
    processor_customer_id: Mapped[str | None] = mapped_column(String(64))
    card_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DayPass(Base):
    __tablename__ = "day_passes"
    __table_args__ = (UniqueConstraint("climber_id", "purchase_key", name="uq_day_pass_purchase"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    climber_id: Mapped[int] = mapped_column(ForeignKey("climbers.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    valid_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="unused")  # unused | used | void
    price_pence: Mapped[int]
    payment_id: Mapped[str] = mapped_column(String(64), unique=True)
    purchase_key: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PunchCard(Base):
    __tablename__ = "punch_cards"
    __table_args__ = (CheckConstraint("visits_left >= 0", name="ck_punch_card_visits"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    climber_id: Mapped[int] = mapped_column(ForeignKey("climbers.id"), index=True)
    visits_left: Mapped[int] = mapped_column(default=10)
    expires_on: Mapped[date] = mapped_column(Date)


class Visit(Base):
    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    climber_id: Mapped[int] = mapped_column(ForeignKey("climbers.id"), index=True)
    entry_kind: Mapped[str] = mapped_column(String(12))  # punch_card | day_pass | member
    punch_card_id: Mapped[int | None] = mapped_column(ForeignKey("punch_cards.id"))
    day_pass_id: Mapped[int | None] = mapped_column(ForeignKey("day_passes.id"))
    checked_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class BelayCert(Base):
    __tablename__ = "belay_certs"
    __table_args__ = (UniqueConstraint("climber_id", "level", name="uq_belay_cert_level"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    climber_id: Mapped[int] = mapped_column(ForeignKey("climbers.id"))
    level: Mapped[str] = mapped_column(String(10))  # top_rope | lead
    source: Mapped[str] = mapped_column(String(12))  # gym_test | association
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("climbers.id"))
    expires_on: Mapped[date] = mapped_column(Date)


class Membership(Base):
    __tablename__ = "memberships"
    id: Mapped[int] = mapped_column(primary_key=True)
    climber_id: Mapped[int] = mapped_column(ForeignKey("climbers.id"), unique=True)
    plan: Mapped[str] = mapped_column(String(16))
    price_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    renews_on: Mapped[date] = mapped_column(Date, index=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)


class RenewalCharge(Base):
    __tablename__ = "renewal_charges"
    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int]
    payment_id: Mapped[str] = mapped_column(String(64), unique=True)


class Waiver(Base):
    __tablename__ = "waivers"
    id: Mapped[int] = mapped_column(primary_key=True)
    climber_id: Mapped[int] = mapped_column(ForeignKey("climbers.id"), index=True)
    stored_path: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int]
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
