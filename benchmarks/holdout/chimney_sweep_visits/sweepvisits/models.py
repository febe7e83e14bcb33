"""Database models for crews, properties, appointments and certificates."""
from datetime import datetime, timezone

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from . import db


def utcnow():
    return datetime.now(timezone.utc)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True, index=True)
    password_hash = db.Column(db.String(255), nullable=False)
    full_name = db.Column(db.String(120), nullable=False)
    # customer | landlord | crew | office | admin
    role = db.Column(db.String(20), nullable=False, default="customer", index=True)
    crew_id = db.Column(db.Integer, db.ForeignKey("crews.id"), nullable=True, index=True)
    stripe_customer_id = db.Column(db.String(64))
    default_payment_method = db.Column(db.String(64))

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


class PasswordReset(db.Model):
    __tablename__ = "password_resets"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    expires_at = db.Column(db.DateTime(timezone=True), nullable=False)
    used_at = db.Column(db.DateTime(timezone=True))


class Crew(db.Model):
    __tablename__ = "crews"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False, unique=True)
    active = db.Column(db.Boolean, nullable=False, default=True)


class CrewDay(db.Model):
    __tablename__ = "crew_days"  # capacity and bookings for one crew on one working day
    __table_args__ = (db.UniqueConstraint("crew_id", "day", name="uq_crew_day"),)

    id = db.Column(db.Integer, primary_key=True)
    crew_id = db.Column(db.Integer, db.ForeignKey("crews.id"), nullable=False)
    day = db.Column(db.Date, nullable=False)
    capacity = db.Column(db.Integer, nullable=False, default=6)
    booked = db.Column(db.Integer, nullable=False, default=0)


class Property(db.Model):
    __tablename__ = "properties"

    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    address_line = db.Column(db.String(255), nullable=False)
    postcode = db.Column(db.String(10), nullable=False, index=True)
    flue_count = db.Column(db.Integer, nullable=False, default=1)
    access_notes = db.Column(db.Text)


class Appointment(db.Model):
    __tablename__ = "appointments"
    __table_args__ = (
        db.Index("ix_appointments_crew_day", "crew_id", "day"),
        db.Index("uq_appointments_booked_slot", "crew_id", "day", "slot", unique=True,
                 postgresql_where=db.text("status = 'booked'")),
    )

    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    property_id = db.Column(db.Integer, db.ForeignKey("properties.id"), nullable=False, index=True)
    crew_id = db.Column(db.Integer, db.ForeignKey("crews.id"), nullable=False)
    day = db.Column(db.Date, nullable=False, index=True)
    slot = db.Column(db.String(5), nullable=False)
    # booked | completed | cancelled | no_show
    status = db.Column(db.String(20), nullable=False, default="booked", index=True)
    insurer_policy_ref = db.Column(db.String(40))
    deposit_intent_id = db.Column(db.String(64), index=True)
    deposit_status = db.Column(db.String(20))
    no_show_fee_status = db.Column(db.String(20), index=True)
    no_show_intent_id = db.Column(db.String(64))
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    customer = db.relationship("User", foreign_keys=[customer_id])
    property = db.relationship("Property")
    crew = db.relationship("Crew")


class Certificate(db.Model):
    __tablename__ = "certificates"

    id = db.Column(db.Integer, primary_key=True)
    appointment_id = db.Column(db.Integer, db.ForeignKey("appointments.id"), nullable=False, unique=True)
    spool_path = db.Column(db.String(255))
    s3_key = db.Column(db.String(255))
    uploaded_by = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    uploaded_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)


class SmokeTest(db.Model):
    __tablename__ = "smoke_tests"

    id = db.Column(db.Integer, primary_key=True)
    property_id = db.Column(db.Integer, db.ForeignKey("properties.id"), nullable=False, index=True)
    appointment_id = db.Column(db.Integer, db.ForeignKey("appointments.id"), index=True)
    tested_at = db.Column(db.DateTime(timezone=True), nullable=False, index=True)
    alarms_tested = db.Column(db.Integer, nullable=False)
    alarms_passed = db.Column(db.Integer, nullable=False)
    draw_test_passed = db.Column(db.Boolean, nullable=False)


class StripeEvent(db.Model):
    __tablename__ = "stripe_events"

    id = db.Column(db.String(64), primary_key=True)
    type = db.Column(db.String(80), nullable=False)
    received_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)
