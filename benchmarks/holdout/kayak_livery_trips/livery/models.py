"""SQLAlchemy models: customers, guides, trips, bookings, boats and waivers."""
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import Index, UniqueConstraint
from werkzeug.security import check_password_hash, generate_password_hash

from . import db


def utcnow():
    return datetime.now(timezone.utc)


class Customer(UserMixin, db.Model):
    __tablename__ = "customers"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    full_name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(32))
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(16), nullable=False, default="customer")
    stripe_customer_id = db.Column(db.String(64))

    def set_password(self, raw):
        self.password_hash = generate_password_hash(raw)

    def check_password(self, raw):
        return check_password_hash(self.password_hash, raw)


class Guide(db.Model):
    __tablename__ = "guides"
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.ForeignKey("customers.id"), nullable=False, unique=True)
    display_name = db.Column(db.String(80), nullable=False)
    stripe_account_id = db.Column(db.String(64))


class Trip(db.Model):
    __tablename__ = "trips"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    river_section = db.Column(db.String(80), nullable=False)
    gauge_id = db.Column(db.String(24), nullable=False)
    flood_zone = db.Column(db.String(12))
    guide_id = db.Column(db.ForeignKey("guides.id"), index=True)
    departs_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    duration_minutes = db.Column(db.Integer, nullable=False, default=180)
    capacity = db.Column(db.Integer, nullable=False)
    seats_booked = db.Column(db.Integer, nullable=False, default=0)
    price_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="scheduled")

    guide = db.relationship("Guide")
    bookings = db.relationship("Booking", back_populates="trip")


class Booking(db.Model):
    __tablename__ = "bookings"
    id = db.Column(db.Integer, primary_key=True)
    trip_id = db.Column(db.ForeignKey("trips.id"), nullable=False, index=True)
    customer_id = db.Column(db.ForeignKey("customers.id"), nullable=False, index=True)
    party_size = db.Column(db.Integer, nullable=False)
    amount_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending")
    payment_intent_id = db.Column(db.String(64))
    idempotency_key = db.Column(db.String(64))
    reminder_sent_at = db.Column(db.DateTime(timezone=True))
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    trip = db.relationship("Trip", back_populates="bookings")
    customer = db.relationship("Customer")
    boats = db.relationship("Boat", back_populates="booking")

    __table_args__ = (
        UniqueConstraint("customer_id", "idempotency_key", name="uq_booking_idempotency"),
        Index("ix_bookings_status_created", "status", "created_at"),
    )


class GuidePayout(db.Model):
    __tablename__ = "guide_payouts"
    id = db.Column(db.Integer, primary_key=True)
    guide_id = db.Column(db.ForeignKey("guides.id"), nullable=False)
    week_start = db.Column(db.Date, nullable=False)
    amount_cents = db.Column(db.Integer, nullable=False)
    transfer_id = db.Column(db.String(64))
    paid_at = db.Column(db.DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("guide_id", "week_start", name="uq_payout_guide_week"),)


class BoatType(db.Model):
    __tablename__ = "boat_types"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(60), nullable=False, unique=True)
    seats = db.Column(db.Integer, nullable=False, default=1)


class Boat(db.Model):
    __tablename__ = "boats"
    id = db.Column(db.Integer, primary_key=True)
    boat_type_id = db.Column(db.ForeignKey("boat_types.id"), nullable=False, index=True)
    hull_number = db.Column(db.String(20), nullable=False, unique=True)
    status = db.Column(db.String(16), nullable=False, default="available", index=True)
    assigned_booking_id = db.Column(db.ForeignKey("bookings.id"), index=True)

    boat_type = db.relationship("BoatType")
    booking = db.relationship("Booking", back_populates="boats")


class MaintenanceEvent(db.Model):
    __tablename__ = "maintenance_events"
    id = db.Column(db.Integer, primary_key=True)
    boat_id = db.Column(db.ForeignKey("boats.id"), nullable=False, index=True)
    noted_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    note = db.Column(db.Text, nullable=False)
    reported_by = db.Column(db.ForeignKey("customers.id"))


class Waiver(db.Model):
    __tablename__ = "waivers"
    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.ForeignKey("bookings.id"), nullable=False, index=True)
    customer_id = db.Column(db.ForeignKey("customers.id"), nullable=False, index=True)
    object_key = db.Column(db.String(512), nullable=False)
    original_name = db.Column(db.String(255))
    size_bytes = db.Column(db.Integer)
    uploaded_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)
