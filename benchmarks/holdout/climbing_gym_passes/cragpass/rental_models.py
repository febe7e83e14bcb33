"""ORM models for the desk: rental gear, late fees, day lockers and the outbox."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cragpass.db import Base
from cragpass.models import Climber


class GearItem(Base):
    __tablename__ = "gear_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. SHOE-42, HARN-M
    kind: Mapped[str] = mapped_column(String(16))
    stock: Mapped[int]
    rate_pence: Mapped[int]


class GearRental(Base):
    __tablename__ = "gear_rentals"
    id: Mapped[int] = mapped_column(primary_key=True)
    gear_item_id: Mapped[int] = mapped_column(ForeignKey("gear_items.id"), index=True)
    climber_id: Mapped[int] = mapped_column(ForeignKey("climbers.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="out", index=True)  # out | returned
    rented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    climber: Mapped[Climber] = relationship()


class LateFeeCharge(Base):
    __tablename__ = "late_fee_charges"
    __table_args__ = (UniqueConstraint("rental_id", "fee_date", name="uq_late_fee_per_day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rental_id: Mapped[int] = mapped_column(ForeignKey("gear_rentals.id"))
    fee_date: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | paid | declined
    failure_code: Mapped[str | None] = mapped_column(String(40))
    payment_id: Mapped[str | None] = mapped_column(String(64))


class Locker(Base):
    __tablename__ = "lockers"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    zone: Mapped[str] = mapped_column(String(16))
    in_service: Mapped[bool] = mapped_column(default=True)


class LockerAssignment(Base):
    __tablename__ = "locker_assignments"
    __table_args__ = (
        UniqueConstraint("locker_id", "day", name="uq_locker_day"),
        UniqueConstraint("climber_id", "day", name="uq_climber_locker_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    locker_id: Mapped[int] = mapped_column(ForeignKey("lockers.id"))
    climber_id: Mapped[int] = mapped_column(ForeignKey("climbers.id"))
    day: Mapped[date] = mapped_column(Date)


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
