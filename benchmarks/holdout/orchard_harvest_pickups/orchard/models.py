"""SQLAlchemy models for farms, pick slots, crate rentals and weigh readings."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(128))
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)


class Farm(Base):
    __tablename__ = "farms"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    latitude: Mapped[float]
    longitude: Mapped[float]


class PickSlot(Base):
    __tablename__ = "pick_slots"
    __table_args__ = (Index("ix_pick_slots_farm_start", "farm_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"))
    crop: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)

    farm: Mapped[Farm] = relationship()


class SlotBooking(Base):
    __tablename__ = "slot_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("pick_slots.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    party_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    slot: Mapped[PickSlot] = relationship()


class CrateStock(Base):
    __tablename__ = "crate_stock"
    __table_args__ = (CheckConstraint("available >= 0", name="crates_available_non_negative"),)

    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"), primary_key=True)
    available: Mapped[int] = mapped_column(Integer, default=0)
    on_loan: Mapped[int] = mapped_column(Integer, default=0)


class CrateRental(Base):
    __tablename__ = "crate_rentals"

    id: Mapped[int] = mapped_column(primary_key=True)
    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    crates: Mapped[int] = mapped_column(Integer)
    deposit_cents: Mapped[int] = mapped_column(Integer)
    rented_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    returned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Device(Base):
    """A weigh-station scale, identified by its serial number."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WeighReading(Base):
    __tablename__ = "weigh_readings"
    __table_args__ = (
        Index("ix_weigh_readings_farm_recorded", "farm_id", "recorded_at"),
        Index("ix_weigh_readings_unsynced", "id", postgresql_where=text("synced_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("slot_bookings.id"), index=True)
    crop: Mapped[str] = mapped_column(String(40))
    gross_kg: Mapped[Decimal] = mapped_column(Numeric(8, 3))
    tare_kg: Mapped[Decimal] = mapped_column(Numeric(8, 3), default=Decimal("0"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    synced_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def net_kg(self) -> Decimal:
        return self.gross_kg - self.tare_kg
