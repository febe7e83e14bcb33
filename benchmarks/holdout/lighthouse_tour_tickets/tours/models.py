"""Database models: visitors, tour slots, bookings and refunds."""
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index

from . import db


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    full_name = db.Column(db.String(120), nullable=False, default="")
    stripe_customer_id = db.Column(db.String(64), unique=True)
    is_staff = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=_utcnow)


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), unique=True, nullable=False)
    expires_at = db.Column(db.DateTime(timezone=True), nullable=False)
    used_at = db.Column(db.DateTime(timezone=True))


class TourSlot(db.Model):
    __tablename__ = "tour_slots"
    __table_args__ = (CheckConstraint("seats_sold >= 0", name="ck_slot_seats_non_negative"),)

    id = db.Column(db.Integer, primary_key=True)
    tour_code = db.Column(db.String(32), nullable=False, index=True)
    starts_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    duration_min = db.Column(db.Integer, nullable=False, default=90)
    capacity = db.Column(db.Integer, nullable=False)
    seats_sold = db.Column(db.Integer, nullable=False, default=0)
    price_pence = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="open")  # open / closed
    closure_reason = db.Column(db.String(255))
    tide_ok = db.Column(db.Boolean)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_sold, 0)


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_slot_status", "slot_id", "status"),)

    id = db.Column(db.Integer, primary_key=True)
    reference = db.Column(db.String(12), unique=True, nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    slot_id = db.Column(db.Integer, db.ForeignKey("tour_slots.id"), nullable=False)
    party_size = db.Column(db.Integer, nullable=False)
    amount_pence = db.Column(db.Integer, nullable=False)
    discount_pct = db.Column(db.Integer, nullable=False, default=0)
    # pending / awaiting_payment / paid / cancelling / cancelled / refunded
    status = db.Column(db.String(16), nullable=False, default="pending")
    payment_intent_id = db.Column(db.String(64), unique=True)
    idempotency_key = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=_utcnow)

    user = db.relationship("User")
    slot = db.relationship("TourSlot")
    visitors = db.relationship("Visitor", back_populates="booking", cascade="all, delete-orphan")


class Visitor(db.Model):
    __tablename__ = "visitors"

    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.Integer, db.ForeignKey("bookings.id"), nullable=False, index=True)
    full_name = db.Column(db.String(120), nullable=False)
    email = db.Column(db.String(255))
    phone = db.Column(db.String(32))
    accessibility_notes = db.Column(db.String(500))

    booking = db.relationship("Booking", back_populates="visitors")


class Refund(db.Model):
    __tablename__ = "refunds"

    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.Integer, db.ForeignKey("bookings.id"), nullable=False, index=True)
    stripe_refund_id = db.Column(db.String(64), unique=True, nullable=False)
    amount_pence = db.Column(db.Integer, nullable=False)
    reason = db.Column(db.String(32), nullable=False)  # closure / customer
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=_utcnow)
