"""SQLAlchemy models for flights, bookings, refunds and the pilot roster."""
from datetime import datetime, timezone

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, Index, UniqueConstraint

db = SQLAlchemy()


def utcnow():
    return datetime.now(timezone.utc)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    full_name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(16), nullable=False, default="customer")  # customer | pilot | ops
    stripe_customer_id = db.Column(db.String(64), unique=True)
    reset_token_hash = db.Column(db.String(64), index=True)
    reset_token_expires_at = db.Column(db.DateTime(timezone=True))


class Flight(db.Model):
    __tablename__ = "flights"
    __table_args__ = (
        CheckConstraint("booked_payload_kg <= max_payload_kg", name="payload_within_limit"),
        CheckConstraint("seats_booked <= seats_total", name="seats_within_limit"),
    )

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(12), nullable=False, unique=True)
    tail_number = db.Column(db.String(10), nullable=False)
    origin = db.Column(db.String(4), nullable=False)        # ICAO station, e.g. CYHC
    destination = db.Column(db.String(4), nullable=False)
    departs_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    block_minutes = db.Column(db.Integer, nullable=False)
    seats_total = db.Column(db.Integer, nullable=False)
    seats_booked = db.Column(db.Integer, nullable=False, default=0)
    max_payload_kg = db.Column(db.Integer, nullable=False)
    booked_payload_kg = db.Column(db.Integer, nullable=False, default=0)
    price_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(24), nullable=False, default="scheduled", index=True)
    cancel_reason = db.Column(db.String(200))


class Booking(db.Model):
    __tablename__ = "bookings"

    id = db.Column(db.Integer, primary_key=True)
    flight_id = db.Column(db.ForeignKey("flights.id"), nullable=False, index=True)
    customer_id = db.Column(db.ForeignKey("users.id"), nullable=False, index=True)
    passengers = db.Column(db.JSON, nullable=False)           # [{"name": ..., "weight_kg": ...}]
    seats = db.Column(db.Integer, nullable=False)
    baggage_kg = db.Column(db.Integer, nullable=False, default=0)
    load_kg = db.Column(db.Integer, nullable=False)             # passengers + baggage
    amount_cents = db.Column(db.Integer, nullable=False)
    booking_fee_cents = db.Column(db.Integer, nullable=False, default=0)
    payment_intent_id = db.Column(db.String(64), unique=True)
    status = db.Column(db.String(16), nullable=False, default="confirmed", index=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    flight = db.relationship("Flight")
    customer = db.relationship("User")


class BaggageChange(db.Model):
    __tablename__ = "baggage_changes"
    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.ForeignKey("bookings.id"), nullable=False, index=True)
    extra_kg = db.Column(db.Integer, nullable=False)
    amount_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="pending", index=True)
    payment_intent_id = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)


class Refund(db.Model):
    __tablename__ = "refunds"
    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.ForeignKey("bookings.id"), nullable=False, unique=True)
    stripe_refund_id = db.Column(db.String(64), nullable=False, unique=True)
    amount_cents = db.Column(db.Integer, nullable=False)
    reason = db.Column(db.String(32), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)


class Pilot(db.Model):
    __tablename__ = "pilots"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("users.id"), nullable=False, unique=True)
    licence_number = db.Column(db.String(20), nullable=False, unique=True)
    max_duty_minutes_per_day = db.Column(db.Integer, nullable=False, default=600)


class RosterShift(db.Model):
    __tablename__ = "roster_shifts"
    __table_args__ = (
        UniqueConstraint("flight_id", name="one_pilot_per_flight"),
        Index("ix_roster_pilot_window", "pilot_id", "starts_at", "ends_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    pilot_id = db.Column(db.ForeignKey("pilots.id"), nullable=False)
    flight_id = db.Column(db.ForeignKey("flights.id"), nullable=False)
    starts_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    ends_at = db.Column(db.DateTime(timezone=True), nullable=False)


class SwapRequest(db.Model):
    __tablename__ = "swap_requests"
    id = db.Column(db.Integer, primary_key=True)
    shift_id = db.Column(db.ForeignKey("roster_shifts.id"), nullable=False, index=True)
    from_pilot_id = db.Column(db.ForeignKey("pilots.id"), nullable=False, index=True)
    to_pilot_id = db.Column(db.ForeignKey("pilots.id"), nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="pending")
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)


class StripeEvent(db.Model):
    __tablename__ = "stripe_events"
    id = db.Column(db.String(64), primary_key=True)
    type = db.Column(db.String(64), nullable=False)
    received_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
