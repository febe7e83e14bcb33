"""SQLAlchemy models for wholesale customers, orders, invoices and delivery routes."""
from datetime import datetime, timezone

from flask_login import UserMixin

from bakery.app import db


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Route(db.Model):
    __tablename__ = "routes"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False, unique=True)
    driver_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    depot_lat = db.Column(db.Float, nullable=False)
    depot_lng = db.Column(db.Float, nullable=False)


class Customer(db.Model):
    __tablename__ = "customers"

    id = db.Column(db.Integer, primary_key=True)
    business_name = db.Column(db.String(200), nullable=False)
    billing_email = db.Column(db.String(254), nullable=False)
    delivery_address = db.Column(db.Text, nullable=False)
    lat = db.Column(db.Float)
    lng = db.Column(db.Float)
    route_id = db.Column(db.Integer, db.ForeignKey("routes.id"), index=True)
    stripe_customer_id = db.Column(db.String(64), index=True)
    default_payment_method = db.Column(db.String(64))
    credit_limit_cents = db.Column(db.Integer, nullable=False, default=0)
    balance_cents = db.Column(db.Integer, nullable=False, default=0)
    invoice_footer = db.Column(db.Text, nullable=False, default="")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    password_hash = db.Column(db.String(128), nullable=False)
    role = db.Column(db.String(16), nullable=False, default="customer")
    phone = db.Column(db.String(32))
    customer_id = db.Column(db.Integer, db.ForeignKey("customers.id"), index=True)
    api_token_hash = db.Column(db.String(64), unique=True)


class Product(db.Model):
    __tablename__ = "products"
    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(32), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    unit_price_cents = db.Column(db.Integer, nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        db.UniqueConstraint("customer_id", "idempotency_key", name="uq_orders_customer_idempotency"),
        db.UniqueConstraint("standing_order_id", "delivery_date", name="uq_orders_standing_day"),
    )

    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customers.id"), nullable=False, index=True)
    delivery_date = db.Column(db.Date, nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="pending")
    total_cents = db.Column(db.Integer, nullable=False, default=0)
    po_number = db.Column(db.String(64))
    source = db.Column(db.String(16), nullable=False, default="web")
    standing_order_id = db.Column(db.Integer, db.ForeignKey("standing_orders.id"))
    promo_code_id = db.Column(db.Integer, db.ForeignKey("promo_codes.id"))
    idempotency_key = db.Column(db.String(64))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=_utcnow)

    customer = db.relationship("Customer")
    lines = db.relationship("OrderLine", back_populates="order", cascade="all, delete-orphan")


class OrderLine(db.Model):
    __tablename__ = "order_lines"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id"), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    unit_price_cents = db.Column(db.Integer, nullable=False)

    order = db.relationship("Order", back_populates="lines")
    product = db.relationship("Product")


class StandingOrder(db.Model):
    __tablename__ = "standing_orders"

    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customers.id"), nullable=False, index=True)
    weekday = db.Column(db.SmallInteger, nullable=False, index=True)
    active = db.Column(db.Boolean, nullable=False, default=True)

    lines = db.relationship("StandingOrderLine", cascade="all, delete-orphan")


class StandingOrderLine(db.Model):
    __tablename__ = "standing_order_lines"

    id = db.Column(db.Integer, primary_key=True)
    standing_order_id = db.Column(db.Integer, db.ForeignKey("standing_orders.id"), nullable=False, index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id"), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)


class PromoCode(db.Model):
    __tablename__ = "promo_codes"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    discount_cents = db.Column(db.Integer, nullable=False)
    redeemed_by_customer_id = db.Column(db.Integer, db.ForeignKey("customers.id"))
    redeemed_at = db.Column(db.DateTime(timezone=True))


class Invoice(db.Model):
    __tablename__ = "invoices"

    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(32), nullable=False, unique=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id"), nullable=False, unique=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customers.id"), nullable=False, index=True)
    amount_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="open", index=True)
    due_date = db.Column(db.Date, nullable=False, index=True)
    payment_intent_id = db.Column(db.String(64), unique=True)
    failure_reason = db.Column(db.Text)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=_utcnow)

    order = db.relationship("Order")
    customer = db.relationship("Customer")


class PasswordReset(db.Model):
    __tablename__ = "password_resets"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    code = db.Column(db.String(16), nullable=False, index=True)
    expires_at = db.Column(db.DateTime(timezone=True), nullable=False)
    used = db.Column(db.Boolean, nullable=False, default=False)
