"""ORM models: grow rooms, devices, readings, harvest batches and wholesale orders."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class GrowRoom(Base):
    __tablename__ = "grow_rooms"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    min_humidity_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("85"))
    max_co2_ppm: Mapped[int] = mapped_column(default=1200)


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("grow_rooms.id"), index=True)
    label: Mapped[str] = mapped_column(String(60))
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    room: Mapped[GrowRoom] = relationship()


class Reading(Base):
    __tablename__ = "readings"
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("grow_rooms.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    temperature_c: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    humidity_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    co2_ppm: Mapped[int]
    __table_args__ = (Index("ix_readings_room_recorded", "room_id", "recorded_at"),)


class DeviceEvent(Base):
    __tablename__ = "device_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    kind: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str] = mapped_column(String(500), default="")
    __table_args__ = (Index("ix_device_events_device_occurred", "device_id", "occurred_at"),)


class HarvestBatch(Base):
    __tablename__ = "harvest_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("grow_rooms.id"), index=True)
    strain: Mapped[str] = mapped_column(String(40), index=True)
    harvested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    available_kg: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    list_price_per_kg_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="graded")
    room: Mapped[GrowRoom] = relationship()
    __table_args__ = (CheckConstraint("available_kg >= 0", name="ck_batch_available_nonneg"),)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(12))  # "buyer" | "grower" | "admin"
    buyer_id: Mapped[int | None] = mapped_column(index=True)
    active: Mapped[bool] = mapped_column(default=True)


class WholesaleOrder(Base):
    __tablename__ = "wholesale_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("harvest_batches.id"))
    qty_kg: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    price_per_kg_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="placed")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    batch: Mapped[HarvestBatch] = relationship()
    __table_args__ = (Index("ix_orders_buyer_created", "buyer_id", "created_at"),)


class ReadingRollup(Base):
    __tablename__ = "reading_rollups"
    room_id: Mapped[int] = mapped_column(ForeignKey("grow_rooms.id"), primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    samples: Mapped[int]
    avg_temperature_c: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    avg_humidity_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    max_co2_ppm: Mapped[int]
