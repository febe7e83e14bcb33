"""ORM models for sessions, tickets, rentals, passes and ice maintenance."""
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(100))
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_customer_ref: Mapped[str | None] = mapped_column(String(64))


class SkatingSession(Base):
    __tablename__ = "skating_sessions"
    __table_args__ = (CheckConstraint("seats_left >= 0", name="seats_left_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    seats_left: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("skating_sessions.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="paid")
    payment_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    session: Mapped[SkatingSession] = relationship()


class SkateStock(Base):
    __tablename__ = "skate_stock"
    __table_args__ = (
        UniqueConstraint("kind", "size", name="uq_skate_kind_size"),
        CheckConstraint("available >= 0", name="available_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # figure | hockey
    size: Mapped[int] = mapped_column(Integer)
    available: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)


class SkateRental(Base):
    __tablename__ = "skate_rentals"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    stock_id: Mapped[int] = mapped_column(ForeignKey("skate_stock.id"))
    rented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    damage_fee_cents: Mapped[int] = mapped_column(Integer, default=0)


class SeasonPass(Base):
    __tablename__ = "season_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    tier: Mapped[str] = mapped_column(String(16))  # junior | adult | family
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=True)
    frozen_until: Mapped[date | None] = mapped_column(Date)
    last_charge_ref: Mapped[str | None] = mapped_column(String(64))


class ZamboniLog(Base):
    __tablename__ = "zamboni_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    machine: Mapped[str] = mapped_column(String(32), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    resurfaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ice_temp_c: Mapped[float] = mapped_column(Numeric(4, 1))
    notes: Mapped[str] = mapped_column(Text, default="")
    photo_path: Mapped[str | None] = mapped_column(String(255))
