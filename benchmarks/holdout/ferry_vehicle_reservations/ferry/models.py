"""Sailings, vehicle-deck lanes, customers and reservations."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, String,
                        UniqueConstraint, func)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base


class Sailing(Base):
    __tablename__ = "sailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_code: Mapped[str] = mapped_column(String(12), index=True)
    vessel: Mapped[str] = mapped_column(String(40))
    departs_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(12), default="scheduled")  # scheduled/delayed/cancelled/departed
    delay_minutes: Mapped[int] = mapped_column(Integer, default=0)

    lanes: Mapped[list["Lane"]] = relationship(back_populates="sailing", order_by="Lane.lane_no")


class Lane(Base):
    __tablename__ = "lanes"
    __table_args__ = (
        UniqueConstraint("sailing_id", "lane_no", name="uq_lane_per_sailing"),
        CheckConstraint("used_m >= 0 AND used_m <= length_m", name="ck_lane_space"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sailing_id: Mapped[int] = mapped_column(ForeignKey("sailings.id"), index=True)
    lane_no: Mapped[int] = mapped_column(Integer)
    length_m: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    used_m: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    max_height_m: Mapped[Decimal] = mapped_column(Numeric(4, 2))

    sailing: Mapped[Sailing] = relationship(back_populates="lanes")

    @property
    def free_m(self) -> Decimal:
        return self.length_m - self.used_m


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), unique=True)  # identity-service "sub"
    full_name: Mapped[str] = mapped_column(String(120))
    surname: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(255))


class Reservation(Base):
    __tablename__ = "reservations"
    __table_args__ = (Index("ix_reservations_sailing_status", "sailing_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(10), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    sailing_id: Mapped[int] = mapped_column(ForeignKey("sailings.id"))
    lane_id: Mapped[int] = mapped_column(ForeignKey("lanes.id"))
    vehicle_reg: Mapped[str] = mapped_column(String(12))
    vehicle_length_m: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    vehicle_height_m: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    # held / deposit_pending / confirmed / cancelled
    status: Mapped[str] = mapped_column(String(16), default="held")
    deposit_pence: Mapped[int | None] = mapped_column(Integer)
    deposit_payment_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    manage_code_hash: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    customer: Mapped[Customer] = relationship()
    sailing: Mapped[Sailing] = relationship()
    lane: Mapped[Lane] = relationship()


class DelayNotice(Base):
    __tablename__ = "delay_notices"
    __table_args__ = (UniqueConstraint("reservation_id", "delay_minutes", name="uq_delay_notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"))
    sailing_id: Mapped[int] = mapped_column(ForeignKey("sailings.id"), index=True)
    delay_minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending/sent/failed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ManifestUpload(Base):
    __tablename__ = "manifest_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    sailing_id: Mapped[int] = mapped_column(ForeignKey("sailings.id"), index=True)
    vehicles: Mapped[int] = mapped_column(Integer)
    authority_ref: Mapped[str | None] = mapped_column(String(40))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
