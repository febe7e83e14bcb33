from datetime import datetime, timezone

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, Index, UniqueConstraint

db = SQLAlchemy()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Student(UserMixin, db.Model):
    __tablename__ = "students"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    campus = db.Column(db.String(80), nullable=True)
    paypal_email = db.Column(db.String(255), nullable=True)
    stripe_customer_id = db.Column(db.String(64), nullable=True)
    credit_balance_cents = db.Column(db.Integer, nullable=False, default=0)
    reset_code = db.Column(db.String(12), nullable=True)
    reset_expires_at = db.Column(db.DateTime(timezone=True), nullable=True)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (CheckConstraint("credit_balance_cents >= 0", name="ck_credit_nonnegative"),)


class StaffUser(db.Model):
    __tablename__ = "staff_users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    api_token_hash = db.Column(db.String(64), nullable=True, unique=True)
    warehouse = db.Column(db.String(40), nullable=False, default="reno")
    active = db.Column(db.Boolean, nullable=False, default=True)


class BuybackOrder(db.Model):
    __tablename__ = "buyback_orders"

    id = db.Column(db.Integer, primary_key=True)
    student_id = db.Column(db.Integer, db.ForeignKey("students.id"), nullable=False, index=True)
    status = db.Column(db.String(20), nullable=False, default="open", index=True)
    payout_method = db.Column(db.String(12), nullable=False, default="paypal")
    total_offer_cents = db.Column(db.Integer, nullable=False, default=0)
    total_final_cents = db.Column(db.Integer, nullable=False, default=0)
    tracking_number = db.Column(db.String(40), nullable=True)
    payout_ref = db.Column(db.String(64), nullable=True)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    received_at = db.Column(db.DateTime(timezone=True), nullable=True)

    student = db.relationship("Student")
    items = db.relationship("OrderItem", back_populates="order", order_by="OrderItem.id")


class OrderItem(db.Model):
    __tablename__ = "order_items"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("buyback_orders.id"), nullable=False, index=True)
    isbn = db.Column(db.String(13), nullable=False, index=True)
    title = db.Column(db.String(300), nullable=True)
    claimed_condition = db.Column(db.String(20), nullable=False)
    graded_condition = db.Column(db.String(20), nullable=True)
    offer_cents = db.Column(db.Integer, nullable=False)
    final_cents = db.Column(db.Integer, nullable=True)
    graded_by = db.Column(db.Integer, db.ForeignKey("staff_users.id"), nullable=True)

    order = db.relationship("BuybackOrder", back_populates="items")


class ConditionPhoto(db.Model):
    __tablename__ = "condition_photos"

    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("order_items.id"), nullable=False, index=True)
    storage_key = db.Column(db.String(512), nullable=False)
    content_type = db.Column(db.String(40), nullable=False)
    uploaded_by = db.Column(db.Integer, db.ForeignKey("staff_users.id"), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)


class ResaleListing(db.Model):
    __tablename__ = "resale_listings"

    id = db.Column(db.Integer, primary_key=True)
    isbn = db.Column(db.String(13), nullable=False, index=True)
    condition = db.Column(db.String(20), nullable=False)
    price_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(12), nullable=False, default="available", index=True)
    buyer_id = db.Column(db.Integer, db.ForeignKey("students.id"), nullable=True, index=True)
    payment_intent_id = db.Column(db.String(64), nullable=True, unique=True)
    sold_at = db.Column(db.DateTime(timezone=True), nullable=True)


class PartnerStock(db.Model):
    __tablename__ = "partner_stock"

    isbn = db.Column(db.String(13), primary_key=True)
    on_hand = db.Column(db.Integer, nullable=False, default=0)
    unit_price_cents = db.Column(db.Integer, nullable=False)

    __table_args__ = (CheckConstraint("on_hand >= 0", name="ck_stock_nonnegative"),)


class PartnerOrder(db.Model):
    __tablename__ = "partner_orders"

    id = db.Column(db.Integer, primary_key=True)
    partner_id = db.Column(db.String(40), nullable=False, index=True)
    isbn = db.Column(db.String(13), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    amount_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending_payment")
    invoice_id = db.Column(db.String(64), nullable=True)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (
        UniqueConstraint("partner_id", "invoice_id", name="uq_partner_invoice"),
        Index("ix_partner_orders_status_created", "status", "created_at"),
    )
