"""Database models and the Flask extensions they hang off."""
from datetime import datetime, timezone

from flask_login import LoginManager, UserMixin
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
login_manager = LoginManager()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Patient(db.Model):
    __tablename__ = "patients"
    id = db.Column(db.Integer, primary_key=True)
    first_name = db.Column(db.String(80), nullable=False)
    last_name = db.Column(db.String(80), nullable=False, index=True)
    date_of_birth = db.Column(db.Date, nullable=False)
    email = db.Column(db.String(254))
    phone = db.Column(db.String(32))
    address_line1 = db.Column(db.String(120))
    city = db.Column(db.String(80))
    postcode = db.Column(db.String(12))
    insurer_code = db.Column(db.String(20))
    member_number = db.Column(db.String(40))


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), unique=True, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(20), nullable=False, default="patient")  # patient, audiologist, admin
    patient_id = db.Column(db.Integer, db.ForeignKey("patients.id"), index=True)
    failed_logins = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(db.DateTime(timezone=True))
    reset_token_hash = db.Column(db.String(128), index=True)
    reset_expires_at = db.Column(db.DateTime(timezone=True))

    @property
    def is_staff(self) -> bool:
        return self.role in ("audiologist", "admin")


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id))


class Audiogram(db.Model):
    __tablename__ = "audiograms"
    id = db.Column(db.Integer, primary_key=True)
    patient_id = db.Column(db.Integer, db.ForeignKey("patients.id"), nullable=False, index=True)
    uploaded_by = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    stored_name = db.Column(db.String(255), nullable=False)
    original_name = db.Column(db.String(255), nullable=False)
    tested_on = db.Column(db.Date)
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow)


class AvailabilitySlot(db.Model):
    __tablename__ = "availability_slots"
    __table_args__ = (db.CheckConstraint("remaining >= 0", name="ck_slot_remaining"),)
    id = db.Column(db.Integer, primary_key=True)
    audiologist_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    starts_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    minutes = db.Column(db.Integer, nullable=False, default=60)
    remaining = db.Column(db.Integer, nullable=False, default=1)
    location = db.Column(db.String(60), nullable=False)


class Appointment(db.Model):
    __tablename__ = "appointments"
    id = db.Column(db.Integer, primary_key=True)
    patient_id = db.Column(db.Integer, db.ForeignKey("patients.id"), nullable=False, index=True)
    slot_id = db.Column(db.Integer, db.ForeignKey("availability_slots.id"), nullable=False, index=True)
    kind = db.Column(db.String(20), nullable=False)  # hearing-test, fitting, follow-up
    status = db.Column(db.String(20), nullable=False, default="booked")
    notes = db.Column(db.Text, default="")
    confirmation_sent_at = db.Column(db.DateTime(timezone=True))
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow)
    slot = db.relationship(AvailabilitySlot)


class DeviceOrder(db.Model):
    __tablename__ = "device_orders"
    id = db.Column(db.Integer, primary_key=True)
    reference = db.Column(db.String(40), unique=True, nullable=False)
    patient_id = db.Column(db.Integer, db.ForeignKey("patients.id"), nullable=False, index=True)
    audiologist_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    manufacturer_order_id = db.Column(db.String(64), unique=True)
    model_code = db.Column(db.String(40), nullable=False)
    ear = db.Column(db.String(6), nullable=False)  # left, right, both
    colour = db.Column(db.String(30), nullable=False)
    list_price_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="draft", index=True)


class PreAuthorization(db.Model):
    __tablename__ = "preauthorizations"
    id = db.Column(db.Integer, primary_key=True)
    device_order_id = db.Column(db.Integer, db.ForeignKey("device_orders.id"), nullable=False, index=True)
    insurer_reference = db.Column(db.String(64), unique=True)
    status = db.Column(db.String(20), nullable=False, default="draft")
    submitted_at = db.Column(db.DateTime(timezone=True))


class BatterySubscription(db.Model):
    __tablename__ = "battery_subscriptions"
    id = db.Column(db.Integer, primary_key=True)
    patient_id = db.Column(db.Integer, db.ForeignKey("patients.id"), nullable=False, index=True)
    battery_size = db.Column(db.String(4), nullable=False)  # 10, 312, 13, 675
    packs_per_shipment = db.Column(db.Integer, nullable=False, default=4)
    interval_days = db.Column(db.Integer, nullable=False, default=90)
    next_ship_on = db.Column(db.Date, nullable=False, index=True)
    last_reminded_on = db.Column(db.Date)
    active = db.Column(db.Boolean, nullable=False, default=True)


class Shipment(db.Model):
    __tablename__ = "shipments"
    __table_args__ = (db.UniqueConstraint("subscription_id", "period", name="uq_shipment_period"),)
    id = db.Column(db.Integer, primary_key=True)
    subscription_id = db.Column(db.Integer, db.ForeignKey("battery_subscriptions.id"), nullable=False)
    period = db.Column(db.String(10), nullable=False)  # ship date, ISO format
    fulfilment_id = db.Column(db.String(64), unique=True)
    status = db.Column(db.String(20), nullable=False, default="created")
    created_at = db.Column(db.DateTime(timezone=True), default=utcnow)
