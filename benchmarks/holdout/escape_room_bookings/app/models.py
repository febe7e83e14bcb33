"""ORM models: rooms, slots, customers, bookings, gift vouchers and the hint log."""
from datetime import date, datetime, timezone

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True)}


class Room(Base):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    min_players: Mapped[int]
    max_players: Mapped[int]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    price_per_player_cents: Mapped[int]


class Slot(Base):
    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("room_id", "starts_at", name="one_slot_per_room_time"),
        Index("ix_slots_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | held | confirming | booked | blocked
    held_until: Mapped[datetime | None]
    hold_token: Mapped[str | None] = mapped_column(String(40))
    held_by_customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))

    room: Mapped[Room] = relationship(lazy="raise")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Booking(Base):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    players: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="pending_deposit", index=True)
    deposit_status: Mapped[str] = mapped_column(String(12), default="unpaid")
    deposit_charge_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    reminder_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    slot: Mapped[Slot] = relationship(lazy="raise")


class GiftVoucher(Base):
    __tablename__ = "gift_vouchers"
    __table_args__ = (CheckConstraint("balance_cents >= 0", name="voucher_balance_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    initial_cents: Mapped[int]
    balance_cents: Mapped[int]
    recipient_name: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Text, default="")
    purchaser_email: Mapped[str] = mapped_column(String(254))
    purchaser_phone: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), default="pending_payment")
    charge_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    purchase_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_on: Mapped[date] = mapped_column(index=True)
    expiry_notified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VoucherRedemption(Base):
    __tablename__ = "voucher_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("gift_vouchers.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    amount_cents: Mapped[int]
    reversed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HintLog(Base):
    __tablename__ = "hint_log"
    __table_args__ = (Index("ix_hint_log_room_id_id", "room_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    game_master: Mapped[str] = mapped_column(String(120))
    hint_text: Mapped[str] = mapped_column(String(280))
    elapsed_seconds: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
