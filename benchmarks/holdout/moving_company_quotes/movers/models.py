from datetime import datetime

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Customer(UserMixin, db.Model):
    __tablename__ = "customers"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    full_name = db.Column(db.String(200), nullable=False)
    is_staff = db.Column(db.Boolean, nullable=False, default=False)
    stripe_customer_id = db.Column(db.String(64))
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)


class QuoteRequest(db.Model):
    __tablename__ = "quote_requests"
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customers.id"), nullable=False, index=True)
    origin_address = db.Column(db.String(300), nullable=False)
    origin_zip = db.Column(db.String(10), nullable=False, index=True)
    destination_address = db.Column(db.String(300), nullable=False)
    move_date = db.Column(db.Date, nullable=False, index=True)
    rooms = db.Column(db.Integer, nullable=False)
    volume_cuft = db.Column(db.Integer)
    estimate_cents = db.Column(db.Integer)
    status = db.Column(db.String(24), nullable=False, default="new", index=True)
    reminder_sent_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)

    customer = db.relationship("Customer", backref="quotes")
    visits = db.relationship("SurveyVisit", backref="quote", lazy="select")

    @property
    def deposit_cents(self):
        return max(5000, (self.estimate_cents or 0) // 5)


class Surveyor(db.Model):
    __tablename__ = "surveyors"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    region_zip_prefix = db.Column(db.String(3), nullable=False, index=True)
    calendar_id = db.Column(db.String(120))


class SurveyVisit(db.Model):
    __tablename__ = "survey_visits"
    id = db.Column(db.Integer, primary_key=True)
    quote_id = db.Column(db.Integer, db.ForeignKey("quote_requests.id"), nullable=False, index=True)
    surveyor_id = db.Column(db.Integer, db.ForeignKey("surveyors.id"), nullable=False)
    starts_at = db.Column(db.DateTime, nullable=False)
    ends_at = db.Column(db.DateTime, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="booked")

    __table_args__ = (db.Index("ix_visits_surveyor_start", "surveyor_id", "starts_at"),)


class Crew(db.Model):
    __tablename__ = "crews"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)


class Truck(db.Model):
    __tablename__ = "trucks"
    id = db.Column(db.Integer, primary_key=True)
    capacity_cuft = db.Column(db.Integer, nullable=False)


class CrewAssignment(db.Model):
    __tablename__ = "crew_assignments"
    id = db.Column(db.Integer, primary_key=True)
    quote_id = db.Column(db.Integer, db.ForeignKey("quote_requests.id"), nullable=False, index=True)
    crew_id = db.Column(db.Integer, db.ForeignKey("crews.id"), nullable=False)
    truck_id = db.Column(db.Integer, db.ForeignKey("trucks.id"), nullable=False)
    work_date = db.Column(db.Date, nullable=False)

    crew = db.relationship("Crew")
    truck = db.relationship("Truck")

    __table_args__ = (db.UniqueConstraint("crew_id", "work_date", name="uq_crew_day"),
                      db.UniqueConstraint("truck_id", "work_date", name="uq_truck_day"))


class Payment(db.Model):
    __tablename__ = "payments"
    id = db.Column(db.Integer, primary_key=True)
    quote_id = db.Column(db.Integer, db.ForeignKey("quote_requests.id"), nullable=False, index=True)
    kind = db.Column(db.String(16), nullable=False)  # deposit | final
    amount_cents = db.Column(db.Integer, nullable=False)
    idempotency_key = db.Column(db.String(64), unique=True)
    stripe_payment_intent = db.Column(db.String(64), index=True)
    status = db.Column(db.String(16), nullable=False, default="pending", index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)


class DamageClaim(db.Model):
    __tablename__ = "damage_claims"
    id = db.Column(db.Integer, primary_key=True)
    quote_id = db.Column(db.Integer, db.ForeignKey("quote_requests.id"), nullable=False, index=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customers.id"), nullable=False, index=True)
    description = db.Column(db.Text, nullable=False)
    amount_claimed_cents = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(16), nullable=False, default="open")


class ClaimPhoto(db.Model):
    __tablename__ = "claim_photos"
    id = db.Column(db.Integer, primary_key=True)
    claim_id = db.Column(db.Integer, db.ForeignKey("damage_claims.id"), nullable=False, index=True)
    storage_key = db.Column(db.String(400), nullable=False)
    content_type = db.Column(db.String(64), nullable=False)
    size_bytes = db.Column(db.Integer, nullable=False)


class StorageBooking(db.Model):
    __tablename__ = "storage_bookings"
    id = db.Column(db.Integer, primary_key=True)
    quote_id = db.Column(db.Integer, db.ForeignKey("quote_requests.id"), nullable=False, index=True)
    partner = db.Column(db.String(32), nullable=False)
    request_ref = db.Column(db.String(64), unique=True, nullable=False)
    external_ref = db.Column(db.String(64))
    unit_size = db.Column(db.String(16), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="requested")
