"""ORM models for passes, scans, ski school and rentals."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy import UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

class Base(DeclarativeBase):
    pass

class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64))

class SkiPass(Base):
    __tablename__ = "ski_passes"
    __table_args__ = (
        CheckConstraint("rides_remaining >= 0", name="rides_not_negative"),
        Index("ix_passes_day_status", "valid_from", "status"),
        Index("ix_passes_valid_to", "valid_to"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    barcode: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # season | day | points
    season: Mapped[str] = mapped_column(String(9), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    rides_remaining: Mapped[int] = mapped_column(Integer, default=0)
    balance_cents: Mapped[int] = mapped_column(Integer, default=0)
    price_cents: Mapped[int] = mapped_column(Integer)
    payment_intent_id: Mapped[str | None] = mapped_column(String(64))

class Scan(Base):
    __tablename__ = "scans"
    __table_args__ = (Index("ix_scans_lift_time", "lift_id", "scanned_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("ski_passes.id"), index=True)
    lift_id: Mapped[int] = mapped_column(Integer)
    gate_id: Mapped[str] = mapped_column(String(32))
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)

class TopUp(Base):
    __tablename__ = "top_ups"
    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("ski_passes.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

class Instructor(Base):
    __tablename__ = "instructors"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    languages: Mapped[str] = mapped_column(String(40), default="en")

class LessonSlot(Base):
    __tablename__ = "lesson_slots"
    __table_args__ = (
        CheckConstraint("booked <= capacity", name="slot_not_overbooked"),
        Index("ix_slots_day_start", "day", "starts_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    level: Mapped[str] = mapped_column(String(16))
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    instructor: Mapped[Instructor] = relationship(lazy="raise")

class LessonBooking(Base):
    __tablename__ = "lesson_bookings"
    __table_args__ = (UniqueConstraint("slot_id", "customer_id", "skier_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("lesson_slots.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    skier_name: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12), default="confirmed")

class Equipment(Base):
    __tablename__ = "equipment"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial_no: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[str] = mapped_column(String(20), index=True)  # skis | boots | board | helmet
    size_label: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default="available")

class Rental(Base):
    __tablename__ = "rentals"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="out")
    deposit_cents: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

class Closure(Base):
    __tablename__ = "closures"
    id: Mapped[int] = mapped_column(primary_key=True)
    resort_id: Mapped[int] = mapped_column(Integer, index=True)
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    wind_kmh: Mapped[int | None] = mapped_column(Integer)
    declared_by: Mapped[int] = mapped_column(Integer)

class RefundRequest(Base):
    __tablename__ = "refund_requests"
    __table_args__ = (
        UniqueConstraint("closure_id", "pass_id"),
        Index("ix_refunds_status_id", "status", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    closure_id: Mapped[int] = mapped_column(ForeignKey("closures.id"))
    pass_id: Mapped[int] = mapped_column(ForeignKey("ski_passes.id"))
    payment_intent_id: Mapped[str] = mapped_column(String(64))
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    stripe_refund_id: Mapped[str | None] = mapped_column(String(64))
