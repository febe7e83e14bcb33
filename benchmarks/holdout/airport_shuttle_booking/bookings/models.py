from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Driver(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="driver")
    phone = models.CharField(max_length=20)
    license_number = models.CharField(max_length=32, unique=True)
    active = models.BooleanField(default=True)


class Vehicle(models.Model):
    plate = models.CharField(max_length=12, unique=True)
    seats = models.PositiveSmallIntegerField()
    wheelchair_accessible = models.BooleanField(default=False)


class Trip(models.Model):
    SCHEDULED, DEPARTED, COMPLETED, CANCELLED = "scheduled", "departed", "completed", "cancelled"

    route_code = models.CharField(max_length=16)  # e.g. "SFO-UNSQ"
    depart_at = models.DateTimeField()
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT)
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="trips", null=True)
    capacity = models.PositiveSmallIntegerField()
    seats_booked = models.PositiveSmallIntegerField(default=0)
    fare_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=12, default=SCHEDULED)

    class Meta:
        indexes = [models.Index(fields=["route_code", "depart_at"]), models.Index(fields=["depart_at"])]
        constraints = [
            models.CheckConstraint(check=Q(seats_booked__lte=F("capacity")), name="trip_not_overbooked"),
        ]


class Booking(models.Model):
    HELD, CONFIRMED, CANCELLED, EXPIRED = "held", "confirmed", "cancelled", "expired"

    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    passenger_name = models.CharField(max_length=120)
    passenger_phone = models.CharField(max_length=20)
    party_size = models.PositiveSmallIntegerField(default=1)
    flight_number = models.CharField(max_length=8, blank=True, db_index=True)
    pickup_notes = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, default=HELD)
    hold_expires_at = models.DateTimeField(null=True)
    amount_cents = models.PositiveIntegerField()
    payment_intent_id = models.CharField(max_length=64, null=True, unique=True)
    pickup_sms_sent_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "hold_expires_at"]),
            models.Index(fields=["trip", "status"]),
        ]


class FlightStatus(models.Model):
    flight_number = models.CharField(max_length=8, unique=True)
    scheduled_in = models.DateTimeField(null=True)
    estimated_in = models.DateTimeField(null=True)
    status = models.CharField(max_length=24, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class PromoCode(models.Model):
    code = models.CharField(max_length=24, unique=True)
    percent_off = models.PositiveSmallIntegerField()
    max_uses = models.PositiveIntegerField()
    uses = models.PositiveIntegerField(default=0)
    valid_until = models.DateTimeField()
    active = models.BooleanField(default=True)


class PromoRedemption(models.Model):
    promo = models.ForeignKey(PromoCode, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)


class StripeEvent(models.Model):
    event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)


class OutboundMessage(models.Model):
    PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"

    channel = models.CharField(max_length=8)  # "sms" or "email"
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    dedup_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(max_length=10, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
