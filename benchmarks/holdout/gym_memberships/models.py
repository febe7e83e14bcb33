"""SQLAlchemy models for members, staff, classes, bookings and renewal charges."""
from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import UniqueConstraint

db = SQLAlchemy()


class Member(db.Model):
    __tablename__ = "members"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, index=True)
    full_name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    stripe_customer_id = db.Column(db.String(64))
    paid_until = db.Column(db.Date)
    status = db.Column(db.String(20), nullable=False, default="active")
    created_at = db.Column(db.DateTime, default=datetime.utcnow)


class StaffAccount(db.Model):
    __tablename__ = "staff_accounts"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True)
    full_name = db.Column(db.String(120), nullable=False)
    role = db.Column(db.String(20), nullable=False, default="front_desk")
    password_hash = db.Column(db.String(255), nullable=False)


class Instructor(db.Model):
    __tablename__ = "instructors"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    bio = db.Column(db.Text)


class GymClass(db.Model):
    __tablename__ = "gym_classes"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120), nullable=False)
    starts_at = db.Column(db.DateTime, nullable=False, index=True)
    capacity = db.Column(db.Integer, nullable=False)
    spots_left = db.Column(db.Integer, nullable=False)
    instructor_id = db.Column(db.Integer, db.ForeignKey("instructors.id"), nullable=False)
    instructor = db.relationship("Instructor")


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (UniqueConstraint("member_id", "class_id"),)

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False)
    class_id = db.Column(db.Integer, db.ForeignKey("gym_classes.id"), nullable=False)
    created_at = db.Column(db.DateTime, default=datetime.utcnow)
    gym_class = db.relationship("GymClass")


class Charge(db.Model):
    __tablename__ = "charges"
    __table_args__ = (UniqueConstraint("member_id", "period"),)

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=False)
    period = db.Column(db.String(7), nullable=False)
    amount_cents = db.Column(db.Integer, nullable=False)
    stripe_id = db.Column(db.String(64))
    status = db.Column(db.String(20), nullable=False, default="pending")
