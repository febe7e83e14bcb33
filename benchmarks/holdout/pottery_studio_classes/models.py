from datetime import datetime, timezone

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def utcnow():
    return datetime.now(timezone.utc)


class Member(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), unique=True, nullable=False)
    display_name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(20), nullable=False, default="member")
    stripe_customer_id = db.Column(db.String(64), index=True)
    email_verified_at = db.Column(db.DateTime(timezone=True))
    verify_token = db.Column(db.String(64), unique=True)
    reset_code = db.Column(db.String(12))
    reset_expires = db.Column(db.DateTime(timezone=True))
    avatar_colour = db.Column(db.String(7), default="#b5651d")
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow)


class Instructor(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), unique=True, nullable=False)
    display_name = db.Column(db.String(120), nullable=False)
    rate_per_student_pence = db.Column(db.Integer, nullable=False, default=1200)
    active = db.Column(db.Boolean, nullable=False, default=True, index=True)


class PotteryClass(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(160), nullable=False)
    instructor_id = db.Column(db.Integer, db.ForeignKey("instructor.id"), nullable=False, index=True)
    instructor = db.relationship("Instructor", lazy="select")
    starts_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    capacity = db.Column(db.Integer, nullable=False, default=8)
    seats_taken = db.Column(db.Integer, nullable=False, default=0)
    price_pence = db.Column(db.Integer, nullable=False)


class ClassBooking(db.Model):
    __table_args__ = (db.UniqueConstraint("class_id", "member_id", name="uq_booking_member"),)
    id = db.Column(db.Integer, primary_key=True)
    class_id = db.Column(db.Integer, db.ForeignKey("pottery_class.id"), nullable=False, index=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="booked")


class KilnSlot(db.Model):
    __table_args__ = (db.UniqueConstraint("kiln_name", "fires_at", name="uq_kiln_firing"),)
    id = db.Column(db.Integer, primary_key=True)
    kiln_name = db.Column(db.String(40), nullable=False)
    firing_type = db.Column(db.String(16), nullable=False)  # bisque / glaze
    fires_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    capacity_units = db.Column(db.Integer, nullable=False, default=24)
    units_booked = db.Column(db.Integer, nullable=False, default=0)


class KilnBooking(db.Model):
    __table_args__ = (db.UniqueConstraint("slot_id", "member_id", name="uq_kiln_member"),)
    id = db.Column(db.Integer, primary_key=True)
    slot_id = db.Column(db.Integer, db.ForeignKey("kiln_slot.id"), nullable=False, index=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False, index=True)
    units = db.Column(db.Integer, nullable=False)
    sheet_filename = db.Column(db.String(120))


class Piece(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False, index=True)
    title = db.Column(db.String(120), nullable=False)
    stage = db.Column(db.String(16), nullable=False, default="greenware")
    photo_path = db.Column(db.String(400))


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(32), unique=True, nullable=False)
    name = db.Column(db.String(160), nullable=False)
    price_pence = db.Column(db.Integer, nullable=False)
    stock = db.Column(db.Integer, nullable=False, default=0)


class Order(db.Model):
    __table_args__ = (db.UniqueConstraint("member_id", "client_key", name="uq_order_client_key"),)
    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False, index=True)
    client_key = db.Column(db.String(64))
    status = db.Column(db.String(24), nullable=False, default="pending")
    total_pence = db.Column(db.Integer, nullable=False)
    stripe_payment_intent = db.Column(db.String(64), unique=True)
    lines = db.relationship("OrderLine", backref="order", lazy="selectin")


class OrderLine(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id"), nullable=False, index=True)
    sku = db.Column(db.String(32), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    unit_price_pence = db.Column(db.Integer, nullable=False)


class Membership(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False, index=True)
    plan_code = db.Column(db.String(24), nullable=False)
    monthly_pence = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="active", index=True)
    renews_on = db.Column(db.Date, nullable=False, index=True)


class Payout(db.Model):
    __table_args__ = (db.UniqueConstraint("instructor_id", "period", name="uq_payout_period"),)
    id = db.Column(db.Integer, primary_key=True)
    instructor_id = db.Column(db.Integer, db.ForeignKey("instructor.id"), nullable=False, index=True)
    period = db.Column(db.String(7), nullable=False)  # YYYY-MM
    amount_pence = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="pending")
    transfer_ref = db.Column(db.String(64))


class ProcessedEvent(db.Model):
    id = db.Column(db.String(64), primary_key=True)  # stripe event id
    received_at = db.Column(db.DateTime(timezone=True), default=utcnow)
