"""ORM models for sites, chargers, charging sessions and billing."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Driver(Base):
    __tablename__ = "drivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), unique=True)  # "sub" claim from the identity service
    email: Mapped[str] = mapped_column(String(255))
    payment_customer_ref: Mapped[str | None] = mapped_column(String(64))
    autopay: Mapped[bool] = mapped_column(default=True)


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    operator_id: Mapped[int] = mapped_column(Integer, index=True)


class Charger(Base):
    __tablename__ = "chargers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # e.g. "VW-AMS-0042"
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    api_key_hash: Mapped[str] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(64))


class Connector(Base):
    __tablename__ = "connectors"
    __table_args__ = (UniqueConstraint("charger_id", "connector_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charger_id: Mapped[str] = mapped_column(ForeignKey("chargers.id"))
    connector_no: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="available")
    reserved_by: Mapped[int | None] = mapped_column(ForeignKey("drivers.id"))
    reserved_until: Mapped[datetime | None]


class ChargingSession(Base):
    __tablename__ = "charging_sessions"
    __table_args__ = (Index("ix_sessions_status_stopped", "status", "stopped_at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    driver_id: Mapped[int] = mapped_column(ForeignKey("drivers.id"), index=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connectors.id"), index=True)
    charger_id: Mapped[str] = mapped_column(ForeignKey("chargers.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    transaction_ref: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    stopped_at: Mapped[datetime | None]
    unplugged_at: Mapped[datetime | None]
    meter_start_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    meter_last_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    energy_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    idle_fee_cents: Mapped[int] = mapped_column(default=0)

    invoice: Mapped["Invoice | None"] = relationship(back_populates="session", lazy="raise")


class MeterReading(Base):
    __tablename__ = "meter_readings"
    __table_args__ = (UniqueConstraint("charger_id", "seq"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("charging_sessions.id"), index=True)
    charger_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(BigInteger)
    taken_at: Mapped[datetime]
    wh: Mapped[int] = mapped_column(BigInteger)


class Tariff(Base):
    __tablename__ = "tariffs"
    __table_args__ = (Index("ix_tariffs_site_valid", "site_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    name: Mapped[str] = mapped_column(String(80))
    energy_cents_per_kwh: Mapped[int]
    session_fee_cents: Mapped[int] = mapped_column(default=0)
    idle_cents_per_minute: Mapped[int] = mapped_column(default=0)
    idle_grace_minutes: Mapped[int] = mapped_column(default=15)
    valid_from: Mapped[datetime]


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("charging_sessions.id"), unique=True)
    driver_id: Mapped[int] = mapped_column(ForeignKey("drivers.id"), index=True)
    amount_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    session: Mapped[ChargingSession] = relationship(back_populates="invoice", lazy="raise")
