"""ORM models: donors, clinics, appointment slots, donations and hospital stock."""
from datetime import date, datetime

from sqlalchemy import (
    Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Donor(Base):
    __tablename__ = "donors"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(128))
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))
    date_of_birth: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[float | None]
    blood_type: Mapped[str | None] = mapped_column(String(3))
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    donation_count: Mapped[int] = mapped_column(Integer, default=0)
    last_donation_on: Mapped[date | None] = mapped_column(Date)
    deferred_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    appointments: Mapped[list["Appointment"]] = relationship(back_populates="donor")


class Clinic(Base):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(80), index=True)
    hospital_code: Mapped[str] = mapped_column(String(12))


class Slot(Base):
    __tablename__ = "slots"
    __table_args__ = (
        CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_slot_booked_range"),
        Index("ix_slots_clinic_start", "clinic_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)

    clinic: Mapped[Clinic] = relationship()


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (UniqueConstraint("donor_id", "slot_id", name="uq_appointment_donor_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="booked")
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    donor: Mapped[Donor] = relationship(back_populates="appointments")
    slot: Mapped[Slot] = relationship()


class Donation(Base):
    __tablename__ = "donations"

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), unique=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    blood_type: Mapped[str] = mapped_column(String(3))
    volume_ml: Mapped[int] = mapped_column(Integer)
    collected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("donors.id"))


class StockLevel(Base):
    __tablename__ = "stock_levels"

    hospital_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    blood_type: Mapped[str] = mapped_column(String(3), primary_key=True)
    units: Mapped[int] = mapped_column(Integer)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
