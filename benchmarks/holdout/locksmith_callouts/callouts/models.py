"""Database models for the emergency call-out service."""
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Index, UniqueConstraint

db = SQLAlchemy()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Customer(db.Model):
    __tablename__ = "customers"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(32), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)


class Locksmith(db.Model):
    __tablename__ = "locksmiths"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(32), nullable=False)
    city = db.Column(db.String(80), nullable=False, index=True)
    lat = db.Column(db.Float)
    lng = db.Column(db.Float)
    on_shift = db.Column(db.Boolean, default=False, nullable=False)
    active_jobs = db.Column(db.Integer, default=0, nullable=False)
    max_jobs = db.Column(db.Integer, default=2, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)

    payout_account = db.relationship("PayoutAccount", uselist=False, back_populates="locksmith")


class PayoutAccount(db.Model):
    __tablename__ = "payout_accounts"

    id = db.Column(db.Integer, primary_key=True)
    locksmith_id = db.Column(db.ForeignKey("locksmiths.id"), nullable=False, unique=True)
    partner_account_token = db.Column(db.String(64), nullable=False)
    locksmith = db.relationship("Locksmith", back_populates="payout_account")


class Callout(db.Model):
    __tablename__ = "callouts"
    __table_args__ = (Index("ix_callouts_city_status_created", "city", "status", "created_at"),)

    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.ForeignKey("customers.id"), nullable=False, index=True)
    locksmith_id = db.Column(db.ForeignKey("locksmiths.id"), index=True)
    address = db.Column(db.String(255), nullable=False)
    city = db.Column(db.String(80), nullable=False)
    lat = db.Column(db.Float)
    lng = db.Column(db.Float)
    lockout_type = db.Column(db.String(32), nullable=False)  # house, car, safe, office
    status = db.Column(db.String(16), nullable=False, default="open")
    fee_cents = db.Column(db.Integer, nullable=False)
    escalated = db.Column(db.Boolean, default=False, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    accepted_at = db.Column(db.DateTime(timezone=True))
    completed_at = db.Column(db.DateTime(timezone=True))

    customer = db.relationship("Customer")
    locksmith = db.relationship("Locksmith")

    def to_dict(self) -> dict:
        return {
            "id": self.id, "address": self.address, "city": self.city, "status": self.status,
            "lockout_type": self.lockout_type, "fee_cents": self.fee_cents,
            "locksmith_id": self.locksmith_id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


class Payment(db.Model):
    __tablename__ = "payments"

    id = db.Column(db.Integer, primary_key=True)
    callout_id = db.Column(db.ForeignKey("callouts.id"), nullable=False, index=True)
    amount_cents = db.Column(db.Integer, nullable=False)
    refunded_cents = db.Column(db.Integer, nullable=False, default=0)
    partner_charge_id = db.Column(db.String(64), unique=True)
    status = db.Column(db.String(16), nullable=False, default="pending")
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)


class Refund(db.Model):
    __tablename__ = "refunds"

    id = db.Column(db.Integer, primary_key=True)
    payment_id = db.Column(db.ForeignKey("payments.id"), nullable=False, index=True)
    amount_cents = db.Column(db.Integer, nullable=False)
    idempotency_key = db.Column(db.String(80), nullable=False, unique=True)
    partner_refund_id = db.Column(db.String(64))


class Payout(db.Model):
    __tablename__ = "payouts"
    __table_args__ = (UniqueConstraint("locksmith_id", "week", name="uq_payout_locksmith_week"),)

    id = db.Column(db.Integer, primary_key=True)
    locksmith_id = db.Column(db.ForeignKey("locksmiths.id"), nullable=False)
    week = db.Column(db.String(8), nullable=False)  # ISO week, e.g. 2024-W19
    amount_cents = db.Column(db.Integer, nullable=False)
    partner_payout_id = db.Column(db.String(64))


class Invoice(db.Model):
    __tablename__ = "invoices"

    id = db.Column(db.Integer, primary_key=True)
    callout_id = db.Column(db.ForeignKey("callouts.id"), nullable=False, unique=True)
    customer_id = db.Column(db.ForeignKey("customers.id"), nullable=False, index=True)
    number = db.Column(db.String(20), nullable=False, unique=True)
    total_cents = db.Column(db.Integer, nullable=False)
    issued_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)


class WebhookEvent(db.Model):
    __tablename__ = "webhook_events"
    id = db.Column(db.Integer, primary_key=True)
    event_id = db.Column(db.String(64), nullable=False, unique=True)
    event_type = db.Column(db.String(64), nullable=False)
