from datetime import datetime, timezone

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR

db = SQLAlchemy()


def utcnow():
    return datetime.now(timezone.utc)


class Customer(UserMixin, db.Model):
    __tablename__ = "customers"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    full_name = db.Column(db.String(120))
    shipping_zip = db.Column(db.String(10))
    is_staff = db.Column(db.Boolean, nullable=False, default=False)
    reset_token_hash = db.Column(db.String(64), index=True)
    reset_token_expires = db.Column(db.DateTime(timezone=True))
    erasure_requested_at = db.Column(db.DateTime(timezone=True), index=True)
    erased_at = db.Column(db.DateTime(timezone=True))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)


class Supplier(db.Model):
    __tablename__ = "suppliers"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    lead_time_days = db.Column(db.Integer, nullable=False, default=3)


class Product(db.Model):
    __tablename__ = "products"

    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(32), nullable=False, unique=True)
    name = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    category = db.Column(db.String(40), nullable=False, index=True)
    supplier_id = db.Column(db.ForeignKey("suppliers.id"), nullable=False, index=True)
    price_cents = db.Column(db.Integer, nullable=False)
    stock = db.Column(db.Integer, nullable=False, default=0)
    is_livestock = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    search_vector = db.Column(TSVECTOR)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    supplier = db.relationship("Supplier", lazy="select")

    __table_args__ = (
        CheckConstraint("stock >= 0", name="ck_products_stock_nonnegative"),
        Index("ix_products_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_products_category_active_name", "category", "active", "name"),
    )


class ShippingSlot(db.Model):
    """A carrier pickup for insulated live-stock boxes on a given day."""

    __tablename__ = "shipping_slots"

    id = db.Column(db.Integer, primary_key=True)
    ship_date = db.Column(db.Date, nullable=False, index=True)
    carrier = db.Column(db.String(20), nullable=False)
    capacity = db.Column(db.Integer, nullable=False)
    booked = db.Column(db.Integer, nullable=False, default=0)

    __table_args__ = (
        CheckConstraint("booked <= capacity", name="ck_slot_capacity"),
        UniqueConstraint("ship_date", "carrier", name="uq_slot_day_carrier"),
    )


class Order(db.Model):
    __tablename__ = "orders"

    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.ForeignKey("customers.id"), nullable=False, index=True)
    status = db.Column(db.String(20), nullable=False, default="pending_payment", index=True)
    total_cents = db.Column(db.Integer, nullable=False)
    refunded_cents = db.Column(db.Integer, nullable=False, default=0)
    shipping_slot_id = db.Column(db.ForeignKey("shipping_slots.id"), index=True)
    payment_reference = db.Column(db.String(64))
    idempotency_key = db.Column(db.String(80), unique=True)
    tracking_number = db.Column(db.String(40))
    notified_at = db.Column(db.DateTime(timezone=True))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow, index=True)

    customer = db.relationship("Customer", lazy="select")
    lines = db.relationship("OrderLine", back_populates="order", lazy="select")
    slot = db.relationship("ShippingSlot", lazy="select")


class OrderLine(db.Model):
    __tablename__ = "order_lines"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.ForeignKey("orders.id"), nullable=False, index=True)
    product_id = db.Column(db.ForeignKey("products.id"), nullable=False, index=True)
    quantity = db.Column(db.Integer, nullable=False)
    unit_price_cents = db.Column(db.Integer, nullable=False)

    order = db.relationship("Order", back_populates="lines")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id = db.Column(db.BigInteger, primary_key=True)
    topic = db.Column(db.String(60), nullable=False)
    payload = db.Column(JSONB, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
    published_at = db.Column(db.DateTime(timezone=True), index=True)
