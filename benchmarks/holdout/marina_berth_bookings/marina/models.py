from datetime import datetime, timezone

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, Index, UniqueConstraint

db = SQLAlchemy()

def utcnow():
    return datetime.now(timezone.utc)

class Owner(UserMixin, db.Model):
    __tablename__ = "owners"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(32))
    stripe_customer_id = db.Column(db.String(64))
    is_harbourmaster = db.Column(db.Boolean, nullable=False, default=False)

class Boat(db.Model):
    __tablename__ = "boats"
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.ForeignKey("owners.id"), nullable=False, index=True)
    name = db.Column(db.String(80), nullable=False)
    registration = db.Column(db.String(32), unique=True)
    loa_m = db.Column(db.Numeric(5, 2), nullable=False)
    beam_m = db.Column(db.Numeric(4, 2), nullable=False)

class Berth(db.Model):
    __tablename__ = "berths"
    id = db.Column(db.Integer, primary_key=True)
    pontoon = db.Column(db.String(4), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    max_loa_m = db.Column(db.Numeric(5, 2), nullable=False)
    max_beam_m = db.Column(db.Numeric(4, 2), nullable=False)
    pedestal_id = db.Column(db.String(24), unique=True)

class Booking(db.Model):
    __tablename__ = "bookings"
    id = db.Column(db.Integer, primary_key=True)
    berth_id = db.Column(db.ForeignKey("berths.id"), nullable=False)
    boat_id = db.Column(db.ForeignKey("boats.id"), nullable=False, index=True)
    owner_id = db.Column(db.ForeignKey("owners.id"), nullable=False, index=True)
    kind = db.Column(db.String(12), nullable=False, default="visitor")
    arrive = db.Column(db.Date, nullable=False)
    depart = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(12), nullable=False, default="held")
    amount_pence = db.Column(db.Integer, nullable=False)
    payment_intent_id = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    berth = db.relationship("Berth")
    __table_args__ = (Index("ix_bookings_berth_window", "berth_id", "arrive", "depart"),
                      CheckConstraint("depart > arrive", name="ck_bookings_window"))

    def to_dict(self):
        return {"id": self.id, "berth_id": self.berth_id, "boat_id": self.boat_id, "kind": self.kind,
                "arrive": self.arrive.isoformat(), "depart": self.depart.isoformat(),
                "status": self.status, "amount_pence": self.amount_pence}

class FuelTank(db.Model):
    __tablename__ = "fuel_tanks"
    id = db.Column(db.Integer, primary_key=True)
    grade = db.Column(db.String(10), nullable=False, unique=True)
    litres = db.Column(db.Numeric(10, 2), nullable=False)

class FuelPurchase(db.Model):
    __tablename__ = "fuel_purchases"
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.ForeignKey("owners.id"), nullable=False, index=True)
    grade = db.Column(db.String(10), nullable=False)
    litres = db.Column(db.Numeric(8, 2), nullable=False)
    amount_pence = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(12), nullable=False, default="pending", index=True)
    payment_intent_id = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

class MeterReading(db.Model):
    __tablename__ = "meter_readings"
    id = db.Column(db.BigInteger, primary_key=True)
    pedestal_id = db.Column(db.String(24), nullable=False)
    berth_id = db.Column(db.ForeignKey("berths.id"), nullable=False)
    kwh_total = db.Column(db.Numeric(12, 3), nullable=False)
    read_at = db.Column(db.DateTime(timezone=True), nullable=False)
    __table_args__ = (UniqueConstraint("pedestal_id", "read_at"),
                      Index("ix_readings_berth_time", "berth_id", "read_at"))

class PowerCharge(db.Model):
    __tablename__ = "power_charges"
    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.ForeignKey("bookings.id"), nullable=False)
    period = db.Column(db.String(7), nullable=False)
    kwh = db.Column(db.Numeric(10, 3), nullable=False)
    amount_pence = db.Column(db.Integer, nullable=False)
    __table_args__ = (UniqueConstraint("booking_id", "period"),)

class Notice(db.Model):
    __tablename__ = "notices"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(160), nullable=False)
    body = db.Column(db.Text, nullable=False)
    severity = db.Column(db.String(10), nullable=False, default="info")
    author_id = db.Column(db.ForeignKey("owners.id"), nullable=False)
    published_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    expires_at = db.Column(db.DateTime(timezone=True))

class RefundRequest(db.Model):
    __tablename__ = "refund_requests"
    id = db.Column(db.Integer, primary_key=True)
    booking_id = db.Column(db.ForeignKey("bookings.id"), nullable=False, index=True)
    amount_pence = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(12), nullable=False, default="requested")
    stripe_refund_id = db.Column(db.String(64), unique=True)
    booking = db.relationship("Booking")

class StripeEvent(db.Model):
    __tablename__ = "stripe_events"
    id = db.Column(db.String(64), primary_key=True)
    type = db.Column(db.String(64), nullable=False)
    received_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

class PasswordReset(db.Model):
    __tablename__ = "password_resets"
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.ForeignKey("owners.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    expires_at = db.Column(db.DateTime(timezone=True), nullable=False)
    used_at = db.Column(db.DateTime(timezone=True))
