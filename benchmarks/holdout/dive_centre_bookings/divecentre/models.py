"""ORM models: boats, trips, divers, bookings, gear, payments, medical forms and payroll."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from divecentre.db import Base, utcnow


class Boat(Base):
    __tablename__ = "boat"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Trip(Base):
    __tablename__ = "trip"
    id: Mapped[int] = mapped_column(primary_key=True)
    boat_id: Mapped[int] = mapped_column(ForeignKey("boat.id"), index=True)
    site_name: Mapped[str] = mapped_column(String(120))
    site_lat: Mapped[float]
    site_lon: Mapped[float]
    departs_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    slot: Mapped[str] = mapped_column(String(16))
    min_cert_level: Mapped[int] = mapped_column(Integer, default=1)
    price_cents: Mapped[int]
    seats_left: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    cancelled_reason: Mapped[str | None] = mapped_column(String(200))

    boat: Mapped[Boat] = relationship()
    bookings: Mapped[list[Booking]] = relationship(back_populates="trip")


class Diver(Base):
    __tablename__ = "diver"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(128))
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64))
    cert_agency: Mapped[str | None] = mapped_column(String(16))
    cert_number: Mapped[str | None] = mapped_column(String(32))
    cert_level: Mapped[int] = mapped_column(Integer, default=0)


class Booking(Base):
    __tablename__ = "booking"
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trip.id"), index=True)
    diver_id: Mapped[int] = mapped_column(ForeignKey("diver.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending_deposit")
    seat_held: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    trip: Mapped[Trip] = relationship(back_populates="bookings")
    diver: Mapped[Diver] = relationship()
    payments: Mapped[list[Payment]] = relationship(back_populates="booking")
    gear_rentals: Mapped[list[GearRental]] = relationship(back_populates="booking")


class Payment(Base):
    __tablename__ = "payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    amount_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    stripe_intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="payments")


class GearItem(Base):
    __tablename__ = "gear_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    size: Mapped[str] = mapped_column(String(8))
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)


class GearRental(Base):
    __tablename__ = "gear_rental"
    __table_args__ = (UniqueConstraint("gear_item_id", "trip_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), index=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trip.id"))
    gear_item_id: Mapped[int] = mapped_column(ForeignKey("gear_item.id"))

    booking: Mapped[Booking] = relationship(back_populates="gear_rentals")
    gear_item: Mapped[GearItem] = relationship()


class MedicalForm(Base):
    __tablename__ = "medical_form"
    id: Mapped[int] = mapped_column(primary_key=True)
    diver_id: Mapped[int] = mapped_column(ForeignKey("diver.id"), index=True)
    storage_path: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("diver.id"))
    fit_to_dive: Mapped[bool | None]


class Instructor(Base):
    __tablename__ = "instructor"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    payroll_ref: Mapped[str] = mapped_column(String(20), unique=True)
    hourly_rate: Mapped[float] = mapped_column(Numeric(8, 2))


class InstructorShift(Base):
    __tablename__ = "instructor_shift"
    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructor.id"), index=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("trip.id"))
    work_date: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[float] = mapped_column(Numeric(4, 2))
    exported: Mapped[bool] = mapped_column(Boolean, default=False)

    instructor: Mapped[Instructor] = relationship()
    trip: Mapped[Trip] = relationship()
