"""Database models: passengers, sailings, bookings, vehicles and refunds."""
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, UniqueConstraint

from ferry import db


def utcnow():
    return datetime.now(timezone.utc)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    full_name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    is_staff = db.Column(db.Boolean, nullable=False, default=False)
    stripe_customer_id = db.Column(db.String(64))
    reset_token_hash = db.Column(db.String(64), index=True)
    reset_token_expires = db.Column(db.DateTime(timezone=True))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)


class Sailing(db.Model):
    __tablename__ = "sailings"
    __table_args__ = (
        CheckConstraint("lane_metres_booked <= lane_metres_capacity", name="ck_sailing_lane_capacity"),
        UniqueConstraint("route_code", "departs_at", name="uq_sailing_route_departure"),
    )

    id = db.Column(db.Integer, primary_key=True)
    route_code = db.Column(db.String(16), nullable=False)
    origin_port = db.Column(db.String(8), nullable=False)
    departs_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    vessel_name = db.Column(db.String(80), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="scheduled")
    foot_capacity = db.Column(db.Integer, nullable=False)
    lane_metres_capacity = db.Column(db.Numeric(7, 1), nullable=False)
    lane_metres_booked = db.Column(db.Numeric(7, 1), nullable=False, default=0)
    boarded_count = db.Column(db.Integer, nullable=False, default=0)


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("user_id", "client_token", name="uq_booking_client_token"),
    )

    id = db.Column(db.Integer, primary_key=True)
    reference = db.Column(db.String(12), nullable=False, unique=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    sailing_id = db.Column(db.Integer, db.ForeignKey("sailings.id"), nullable=False, index=True)
    kind = db.Column(db.String(8), nullable=False)  # "foot" or "vehicle"
    passengers = db.Column(db.Integer, nullable=False, default=1)
    lane_metres = db.Column(db.Numeric(5, 1))
    status = db.Column(db.String(20), nullable=False, default="pending_payment")
    amount_pence = db.Column(db.Integer, nullable=False)
    currency = db.Column(db.String(3), nullable=False, default="gbp")
    client_token = db.Column(db.String(64))
    payment_intent_id = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    user = db.relationship("User")
    sailing = db.relationship("Sailing")
    vehicle = db.relationship("Vehicle", uselist=False, back_populates="booking")

    def to_dict(self):
        return {
            "id": self.id,
            "reference": self.reference,
            "sailing_id": self.sailing_id,
            "kind": self.kind,
            "passengers": self.passengers,
            "status": self.status,
            "amount_pence": self.amount_pence,
            "currency": self.currency,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


class Vehicle(db.Model):
    __tablename__ = "vehicles"

    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.Integer, db.ForeignKey("bookings.id"), nullable=False, unique=True)
    registration = db.Column(db.String(12), nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    length_m = db.Column(db.Numeric(4, 1), nullable=False)
    height_m = db.Column(db.Numeric(3, 1), nullable=False)

    booking = db.relationship("Booking", back_populates="vehicle")


class Refund(db.Model):
    __tablename__ = "refunds"

    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.Integer, db.ForeignKey("bookings.id"), nullable=False, unique=True)
    stripe_refund_id = db.Column(db.String(64), nullable=False, unique=True)
    amount_pence = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)


class ProcessedStripeEvent(db.Model):
    __tablename__ = "processed_stripe_events"

    id = db.Column(db.String(64), primary_key=True)
    type = db.Column(db.String(64), nullable=False)
    received_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
