"""ORM models: routes, sailings, vehicles, deck bookings, payments."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ferry.db import Base


class Route(Base):
    __tablename__ = "routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    origin_port: Mapped[str] = mapped_column(String(64), index=True)
    destination_port: Mapped[str] = mapped_column(String(64), index=True)
    duration_minutes: Mapped[int]

    sailings: Mapped[list["Sailing"]] = relationship(back_populates="route")


class Sailing(Base):
    __tablename__ = "sailings"
    __table_args__ = (
        CheckConstraint("car_deck_used_m <= car_deck_capacity_m", name="car_deck_within_capacity"),
        CheckConstraint("freight_used_m <= freight_capacity_m", name="freight_within_capacity"),
        Index("ix_sailings_route_departs", "route_id", "departs_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"), index=True)
    vessel: Mapped[str] = mapped_column(String(64))
    departs_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    car_deck_capacity_m: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    car_deck_used_m: Mapped[Decimal] = mapped_column(Numeric(7, 1), default=0)
    freight_capacity_m: Mapped[Decimal] = mapped_column(Numeric(7, 1))
    freight_used_m: Mapped[Decimal] = mapped_column(Numeric(7, 1), default=0)

    route: Mapped[Route] = relationship(back_populates="sailings")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64))


class Vehicle(Base):
    __tablename__ = "vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    registration: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # car, van, motorhome, trailer
    length_m: Mapped[Decimal] = mapped_column(Numeric(4, 1))


class DeckBooking(Base):
    __tablename__ = "deck_bookings"
    __table_args__ = (Index("ix_bookings_status_hold", "status", "hold_expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    sailing_id: Mapped[int] = mapped_column(ForeignKey("sailings.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"))
    deck: Mapped[str] = mapped_column(String(8), default="car")  # car or freight
    lane_metres: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    amount_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="held")
    payment_intent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    hold_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    sailing: Mapped[Sailing] = relationship()
    customer: Mapped[Customer] = relationship()


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("deck_bookings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # charge or refund
    amount_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(24))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(96), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class NotificationLog(Base):
    __tablename__ = "notification_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("deck_bookings.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    dedup_key: Mapped[str] = mapped_column(String(96), unique=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(96))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
