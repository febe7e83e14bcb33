"""Database models for tickets, parts, invoices and supplier orders."""
from datetime import datetime, timezone

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from . import db


def _now():
    return datetime.now(timezone.utc)


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    is_staff = db.Column(db.Boolean, default=False, nullable=False)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"), index=True)

    def set_password(self, raw: str) -> None:
        self.password_hash = generate_password_hash(raw)  # ok: SEC009

    def check_password(self, raw: str) -> bool:
        return check_password_hash(self.password_hash, raw)


class Customer(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(32), nullable=False)
    sms_opt_in = db.Column(db.Boolean, default=True, nullable=False)
    stripe_customer_id = db.Column(db.String(64), index=True)


class Ticket(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"), nullable=False, index=True)
    bike_description = db.Column(db.String(200), nullable=False)
    status = db.Column(db.String(20), default="received", nullable=False, index=True)
    mechanic_id = db.Column(db.Integer, db.ForeignKey("user.id"), index=True)
    notes = db.Column(db.Text, default="")
    created_at = db.Column(db.DateTime(timezone=True), default=_now, nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False, default=1)

    customer = db.relationship("Customer", lazy="select")
    mechanic = db.relationship("User", lazy="select")

    __mapper_args__ = {"version_id_col": version}


class Part(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(40), unique=True, nullable=False)
    name = db.Column(db.String(160), nullable=False)
    on_hand = db.Column(db.Integer, nullable=False, default=0)
    reorder_point = db.Column(db.Integer, nullable=False, default=2)
    supplier_id = db.Column(db.Integer, db.ForeignKey("supplier.id"), index=True)
    unit_cost_cents = db.Column(db.Integer, nullable=False)

    __table_args__ = (db.CheckConstraint("on_hand >= 0", name="part_on_hand_nonnegative"),)


class PartReservation(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    ticket_id = db.Column(db.Integer, db.ForeignKey("ticket.id"), nullable=False, index=True)
    part_id = db.Column(db.Integer, db.ForeignKey("part.id"), nullable=False, index=True)
    quantity = db.Column(db.Integer, nullable=False)
    released_at = db.Column(db.DateTime(timezone=True))

    part = db.relationship("Part")


class Supplier(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    account_code = db.Column(db.String(40), nullable=False)


class SupplierOrder(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    supplier_id = db.Column(db.Integer, db.ForeignKey("supplier.id"), nullable=False, index=True)
    part_id = db.Column(db.Integer, db.ForeignKey("part.id"), nullable=False, index=True)
    quantity = db.Column(db.Integer, nullable=False)
    external_ref = db.Column(db.String(64), unique=True)
    request_key = db.Column(db.String(64), unique=True, nullable=False)
    status = db.Column(db.String(20), default="pending", nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), default=_now, nullable=False)


class Invoice(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    ticket_id = db.Column(db.Integer, db.ForeignKey("ticket.id"), nullable=False, unique=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"), nullable=False, index=True)
    total_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), default="open", nullable=False, index=True)
    payment_intent_id = db.Column(db.String(64), unique=True)
    issued_at = db.Column(db.DateTime(timezone=True), default=_now, nullable=False, index=True)
    paid_at = db.Column(db.DateTime(timezone=True))

    customer = db.relationship("Customer")


class SmsMessage(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    ticket_id = db.Column(db.Integer, db.ForeignKey("ticket.id"), nullable=False, index=True)
    kind = db.Column(db.String(32), nullable=False)
    status = db.Column(db.String(16), default="queued", nullable=False)
    provider_sid = db.Column(db.String(64))
    attempts = db.Column(db.Integer, default=0, nullable=False)

    __table_args__ = (db.UniqueConstraint("ticket_id", "kind", name="sms_once_per_kind"),)
