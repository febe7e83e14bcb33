"""Peewee models for birds, handlers, organisers, bookings, flights and invoices."""

from datetime import datetime, timezone
from decimal import Decimal

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from falconry.db import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class BaseModel(Model):
    class Meta:
        database = db


class Handler(BaseModel):
    display_name = CharField(max_length=120)
    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    is_admin = BooleanField(default=False)
    active = BooleanField(default=True)


class Bird(BaseModel):
    name = CharField(max_length=60)
    species = CharField(max_length=80)
    ring_number = CharField(max_length=40, unique=True)
    handler = ForeignKeyField(Handler, backref="birds")
    weekly_limit_minutes = IntegerField(default=180)
    minutes_flown_this_week = IntegerField(default=0)
    vet_cleared_until = DateField(null=True)
    vet_checked_at = DateTimeField(null=True)
    active = BooleanField(default=True, index=True)


class Organiser(BaseModel):
    email = CharField(max_length=254, unique=True)
    company_name = CharField(max_length=200)
    contact_name = CharField(max_length=120)
    phone = CharField(max_length=40)
    password_hash = CharField(max_length=255)
    created_at = DateTimeField(default=utcnow)


class Booking(BaseModel):
    organiser = ForeignKeyField(Organiser, backref="bookings", index=True)
    event_name = CharField(max_length=200)
    event_date = DateField(index=True)
    venue_postcode = CharField(max_length=12)
    display_minutes = IntegerField()
    status = CharField(max_length=20, default="provisional", index=True)
    fee = DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    created_at = DateTimeField(default=utcnow)
    cancelled_at = DateTimeField(null=True)


class BookingBird(BaseModel):
    booking = ForeignKeyField(Booking, backref="birds", on_delete="CASCADE")
    bird = ForeignKeyField(Bird, backref="bookings")
    minutes = IntegerField()

    class Meta:
        indexes = ((("booking", "bird"), True),)


class FlightLog(BaseModel):
    bird = ForeignKeyField(Bird, backref="flights")
    handler = ForeignKeyField(Handler, backref="flights")
    booking = ForeignKeyField(Booking, null=True, backref="flights")
    flown_on = DateField(index=True)
    minutes = IntegerField()
    notes = TextField(default="")


class RotaShift(BaseModel):
    handler = ForeignKeyField(Handler, backref="shifts")
    booking = ForeignKeyField(Booking, null=True, backref="shifts")
    shift_date = DateField(index=True)
    starts = CharField(max_length=5)
    ends = CharField(max_length=5)
    confirmed = BooleanField(default=False)


class Invoice(BaseModel):
    booking = ForeignKeyField(Booking, backref="invoices", unique=True)
    organiser = ForeignKeyField(Organiser, backref="invoices")
    number = CharField(max_length=20, unique=True)
    period = CharField(max_length=7, index=True)
    total = DecimalField(max_digits=10, decimal_places=2)
    sent_at = DateTimeField(null=True)


class TrackerFix(BaseModel):
    bird = ForeignKeyField(Bird, backref="fixes")
    recorded_at = DateTimeField(index=True)
    lat = DoubleField()
    lon = DoubleField()
    altitude_m = DoubleField(null=True)


ALL_MODELS = [Handler, Bird, Organiser, Booking, BookingBird, FlightLog, RotaShift, Invoice, TrackerFix]
