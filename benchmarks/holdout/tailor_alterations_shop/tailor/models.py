"""Database models for the alterations shop."""
from datetime import datetime

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, UniqueConstraint

db = SQLAlchemy()


class Customer(db.Model):
    __tablename__ = "customers"

    id = db.Column(db.Integer, primary_key=True)
    full_name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(32), nullable=False, unique=True)
    sms_opt_in = db.Column(db.Boolean, nullable=False, default=True)


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True)
    mobile = db.Column(db.String(32))
    password_salt = db.Column(db.String(32), nullable=False)
    password_hash = db.Column(db.String(128), nullable=False)
    reset_code = db.Column(db.String(12))
    reset_expires = db.Column(db.DateTime)
    is_manager = db.Column(db.Boolean, nullable=False, default=False)


class Order(db.Model):
    __tablename__ = "orders"

    id = db.Column(db.Integer, primary_key=True)
    ticket_no = db.Column(db.String(16), nullable=False, unique=True)
    customer_id = db.Column(db.ForeignKey("customers.id"), nullable=False, index=True)
    # copied from the customer at intake so the ticket printer needs no join
    customer_name = db.Column(db.String(120), nullable=False)
    garment = db.Column(db.String(80), nullable=False)
    work_description = db.Column(db.Text, nullable=False)
    notes = db.Column(db.Text)
    status = db.Column(db.String(20), nullable=False, default="received", index=True)
    quoted_total = db.Column(db.Numeric(10, 2), nullable=False)
    deposit_cents = db.Column(db.Integer, nullable=False, default=0)
    promised_for = db.Column(db.Date, index=True)
    ready_notice_queued_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)

    customer = db.relationship("Customer")
    payments = db.relationship("Payment", back_populates="order", order_by="Payment.id")


class Payment(db.Model):
    __tablename__ = "payments"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.ForeignKey("orders.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)  # deposit | balance
    amount_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="pending")
    idempotency_key = db.Column(db.String(64), unique=True)
    provider_ref = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)

    order = db.relationship("Order", back_populates="payments")


class ProcessedWebhook(db.Model):
    __tablename__ = "processed_webhooks"

    event_id = db.Column(db.String(64), primary_key=True)
    received_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)


class FittingSlot(db.Model):
    __tablename__ = "fitting_slots"

    id = db.Column(db.Integer, primary_key=True)
    starts_at = db.Column(db.DateTime, nullable=False, index=True)
    capacity = db.Column(db.Integer, nullable=False, default=2)


class Fitting(db.Model):
    __tablename__ = "fittings"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.ForeignKey("orders.id"), nullable=False, index=True)
    customer_id = db.Column(db.ForeignKey("customers.id"), nullable=False, index=True)
    slot_id = db.Column(db.ForeignKey("fitting_slots.id"), nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="booked")
    reminder_sent_at = db.Column(db.DateTime)

    customer = db.relationship("Customer")
    slot = db.relationship("FittingSlot")


class PickupSlot(db.Model):
    __tablename__ = "pickup_slots"
    __table_args__ = (UniqueConstraint("day", "window"), CheckConstraint("booked <= capacity"))

    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, nullable=False)
    window = db.Column(db.String(16), nullable=False)  # e.g. "10:00-12:00"
    capacity = db.Column(db.Integer, nullable=False, default=6)
    booked = db.Column(db.Integer, nullable=False, default=0)


class Pickup(db.Model):
    __tablename__ = "pickups"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.ForeignKey("orders.id"), nullable=False, unique=True)
    slot_id = db.Column(db.ForeignKey("pickup_slots.id"), nullable=False, index=True)


class SmsOutbox(db.Model):
    __tablename__ = "sms_outbox"

    id = db.Column(db.Integer, primary_key=True)
    to_phone = db.Column(db.String(32), nullable=False)
    body = db.Column(db.String(480), nullable=False)
    dedupe_key = db.Column(db.String(80), nullable=False, unique=True)
    status = db.Column(db.String(12), nullable=False, default="pending", index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    sent_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)
