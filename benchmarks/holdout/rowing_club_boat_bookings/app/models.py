"""ORM models: members, boats, oar sets, outings, bookings, crews and fees."""
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="rower")  # rower, cox, captain, admin
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Boat(Base):
    __tablename__ = "boats"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    boat_class: Mapped[str] = mapped_column(String(8))  # 1x, 2x, 4-, 4x+, 8+
    seats: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)


class OarSet(Base):
    __tablename__ = "oar_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # sweep or scull
    count: Mapped[int] = mapped_column(Integer)


class Outing(Base):
    __tablename__ = "outings"
    __table_args__ = (
        CheckConstraint("seats_taken <= seat_limit", name="outing_seats_within_limit"),
        Index("ix_outings_starts_status", "starts_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    boat_id: Mapped[int | None] = mapped_column(ForeignKey("boats.id"))
    seat_limit: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled, cancelled, done
    cancelled_reason: Mapped[str | None] = mapped_column(String(200))

    crew: Mapped[list["CrewSeat"]] = relationship(back_populates="outing", order_by="CrewSeat.id")


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_boat_window", "boat_id", "starts_at", "ends_at"),
        Index("ix_bookings_oars_window", "oar_set_id", "starts_at", "ends_at"),
        Index("ix_bookings_member", "member_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    boat_id: Mapped[int] = mapped_column(ForeignKey("boats.id"))
    oar_set_id: Mapped[int | None] = mapped_column(ForeignKey("oar_sets.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    outing_id: Mapped[int | None] = mapped_column(ForeignKey("outings.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, cancelled


class CrewSeat(Base):
    __tablename__ = "crew_seats"
    __table_args__ = (UniqueConstraint("outing_id", "member_id", name="one_seat_per_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outing_id: Mapped[int] = mapped_column(ForeignKey("outings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    outing: Mapped[Outing] = relationship(back_populates="crew")
    member: Mapped[Member] = relationship()


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    plan: Mapped[str] = mapped_column(String(16))  # annual, student
    paid_until: Mapped[date | None] = mapped_column(Date)


class FeePayment(Base):
    __tablename__ = "fee_payments"
    __table_args__ = (UniqueConstraint("member_id", "period", name="one_payment_per_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    period: Mapped[str] = mapped_column(String(9))  # e.g. 2025-2026
    amount_pence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, paid, failed
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
