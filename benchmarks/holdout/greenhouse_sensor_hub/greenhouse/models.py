"""Database models and the async engine/session factory."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint, func,
)
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Grower(Base):
    __tablename__ = "growers"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    greenhouses: Mapped[list["Greenhouse"]] = relationship(back_populates="owner")


class GrowerSession(Base):
    __tablename__ = "grower_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    grower_id: Mapped[int] = mapped_column(ForeignKey("growers.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Greenhouse(Base):
    __tablename__ = "greenhouses"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("growers.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    owner: Mapped[Grower] = relationship(back_populates="greenhouses")
    zones: Mapped[list["Zone"]] = relationship(back_populates="greenhouse")


class Zone(Base):
    __tablename__ = "zones"
    id: Mapped[int] = mapped_column(primary_key=True)
    greenhouse_id: Mapped[int] = mapped_column(ForeignKey("greenhouses.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    valve_address: Mapped[str] = mapped_column(String(64))
    irrigating_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    greenhouse: Mapped[Greenhouse] = relationship(back_populates="zones")
    sensors: Mapped[list["Sensor"]] = relationship(back_populates="zone")


class Sensor(Base):
    __tablename__ = "sensors"
    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    device_uid: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # temperature, humidity, soil_moisture, co2, lux
    unit: Mapped[str] = mapped_column(String(12))
    zone: Mapped[Zone] = relationship(back_populates="sensors")


class Reading(Base):
    __tablename__ = "readings"
    __table_args__ = (Index("ix_readings_sensor_taken", "sensor_id", "taken_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sensor_id: Mapped[int] = mapped_column(ForeignKey("sensors.id"))
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    value: Mapped[float] = mapped_column(Float)


class AlertRule(Base):
    __tablename__ = "alert_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    greenhouse_id: Mapped[int] = mapped_column(ForeignKey("greenhouses.id"), index=True)
    sensor_id: Mapped[int] = mapped_column(ForeignKey("sensors.id"), index=True)
    op: Mapped[str] = mapped_column(String(4))
    threshold: Mapped[float] = mapped_column(Float)
    expression: Mapped[str | None] = mapped_column(String(200))
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=30)
    last_fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class IrrigationCommand(Base):
    __tablename__ = "irrigation_commands"
    __table_args__ = (UniqueConstraint("command_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    command_id: Mapped[str] = mapped_column(String(36))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    litres: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by: Mapped[int] = mapped_column(ForeignKey("growers.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def make_engine(url: str) -> AsyncEngine:
    return create_async_engine(url, pool_size=10, max_overflow=5, pool_pre_ping=True,
                               connect_args={"timeout": 5})


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
