"""ORM models for customers, pets, groomers, appointments and prepaid packages."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
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
    phone: Mapped[str] = mapped_column(String(20), default="")
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_staff: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    pets: Mapped[list["Pet"]] = relationship(back_populates="owner")


class Pet(Base):
    __tablename__ = "pets"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    breed: Mapped[str] = mapped_column(String(80), default="")
    weight_kg: Mapped[float] = mapped_column(default=0.0)
    notes: Mapped[str] = mapped_column(Text, default="")
    photo_key: Mapped[str | None] = mapped_column(String(200))

    owner: Mapped[Customer] = relationship(back_populates="pets")


class Groomer(Base):
    __tablename__ = "groomers"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    calendar_id: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)


class AppointmentStatus(StrEnum):
    PENDING_DEPOSIT = "pending_deposit"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("groomer_id", "starts_at", name="uq_groomer_slot"),
        Index("ix_appointments_customer_starts", "customer_id", "starts_at"),
        Index("ix_appointments_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    pet_id: Mapped[int] = mapped_column(ForeignKey("pets.id"))
    groomer_id: Mapped[int] = mapped_column(ForeignKey("groomers.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    service_code: Mapped[str] = mapped_column(String(30))
    price_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=AppointmentStatus.PENDING_DEPOSIT)
    payment_intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    pet: Mapped[Pet] = relationship()
    groomer: Mapped[Groomer] = relationship()


class LoyaltyCard(Base):
    __tablename__ = "loyalty_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), unique=True)
    stamps: Mapped[int] = mapped_column(default=0)
    free_grooms_issued: Mapped[int] = mapped_column(default=0)


class PrepaidPackage(Base):
    __tablename__ = "prepaid_packages"
    __table_args__ = (CheckConstraint("sessions_left >= 0", name="ck_sessions_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(30))
    sessions_left: Mapped[int] = mapped_column(Integer)


class PackageRedemption(Base):
    __tablename__ = "package_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("prepaid_packages.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
