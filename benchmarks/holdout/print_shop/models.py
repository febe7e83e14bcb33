"""SQLAlchemy models for customers, artwork, quotes, orders, stock and shipments."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from werkzeug.security import check_password_hash, generate_password_hash

from .app import db


class Customer(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), unique=True, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    company = db.Column(db.String(120))
    shipping_address = db.Column(db.JSON)
    is_admin = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # ok: SEC009

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Artwork(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"), nullable=False, index=True)
    s3_key = db.Column(db.String(300), unique=True, nullable=False)
    original_name = db.Column(db.String(255), nullable=False)
    proof_status = db.Column(db.String(20), nullable=False, default="pending")
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(40), unique=True, nullable=False)
    name = db.Column(db.String(120), nullable=False)
    base_price_cents = db.Column(db.Integer, nullable=False)
    paper_sku = db.Column(db.String(40), db.ForeignKey("paper_stock.sku"), nullable=False)
    sheets_per_unit = db.Column(db.Numeric(8, 4), nullable=False)
    press_preset = db.Column(db.String(60), nullable=False)


class PricingRule(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"), unique=True, nullable=False)
    formula = db.Column(db.Text, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow, onupdate=datetime.utcnow)


class Quote(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"), nullable=False)
    product_id = db.Column(db.Integer, db.ForeignKey("product.id"), nullable=False)
    artwork_id = db.Column(db.Integer, db.ForeignKey("artwork.id"))
    quantity = db.Column(db.Integer, nullable=False)
    options = db.Column(db.JSON, nullable=False, default=list)
    unit_price_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="open")
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)

    product = db.relationship("Product")

    __table_args__ = (Index("ix_quote_customer_created", "customer_id", "created_at"), Index("ix_quote_status", "status"))

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"), nullable=False)
    quote_id = db.Column(db.Integer, db.ForeignKey("quote.id"), unique=True, nullable=False)
    amount_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending_payment")
    payment_ref = db.Column(db.String(64), unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)

    customer = db.relationship("Customer")
    quote = db.relationship("Quote")

    __table_args__ = (Index("ix_order_customer_created", "customer_id", "created_at"), Index("ix_order_status_created", "status", "created_at"))


class PaperStock(db.Model):
    __tablename__ = "paper_stock"
    sku = db.Column(db.String(40), primary_key=True)
    description = db.Column(db.String(120), nullable=False)
    sheets_on_hand = db.Column(db.Integer, nullable=False)

    __table_args__ = (CheckConstraint("sheets_on_hand >= 0", name="stock_not_negative"),)


class PrintJob(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id"), unique=True, nullable=False)
    external_id = db.Column(db.String(64), index=True)
    status = db.Column(db.String(20), nullable=False, default="queued", index=True)
    order = db.relationship("Order")


class Shipment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id"), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending")
    tracking_number = db.Column(db.String(64))
    label_s3_key = db.Column(db.String(300))

    __table_args__ = (UniqueConstraint("order_id", name="one_shipment_per_order"),)
