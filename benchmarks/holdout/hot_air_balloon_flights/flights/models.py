"""Data model for launch sites, flights, bookings, vouchers and pilot logs."""
from decimal import Decimal

from django.conf import settings
from django.db import models


class LaunchSite(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    met_office_site_id = models.CharField(max_length=32)
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class Flight(models.Model):
    class Session(models.TextChoices):
        MORNING = "morning", "Morning"
        EVENING = "evening", "Evening"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled (weather)"
        FLOWN = "flown", "Flown"

    site = models.ForeignKey(LaunchSite, on_delete=models.PROTECT, related_name="flights")
    pilot = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flights")
    flight_date = models.DateField()
    session = models.CharField(max_length=10, choices=Session.choices)
    basket_max_kg = models.PositiveIntegerField()
    seats_total = models.PositiveSmallIntegerField()
    seats_booked = models.PositiveSmallIntegerField(default=0)
    load_kg = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        indexes = [models.Index(fields=["flight_date", "session", "status"])]
        constraints = [
            models.CheckConstraint(check=models.Q(seats_booked__lte=models.F("seats_total")), name="seats_within_total"),
            models.CheckConstraint(check=models.Q(load_kg__lte=models.F("basket_max_kg")), name="load_within_basket"),
        ]


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    flight = models.ForeignKey(Flight, on_delete=models.PROTECT, related_name="bookings")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    passengers = models.PositiveSmallIntegerField()
    total_weight_kg = models.PositiveIntegerField()
    amount_pence = models.PositiveIntegerField()
    payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Passenger(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="passenger_set")
    full_name = models.CharField(max_length=120)
    weight_kg = models.PositiveSmallIntegerField()


class GiftVoucher(models.Model):
    code = models.CharField(max_length=16, unique=True)
    purchaser_email = models.EmailField()
    balance_pence = models.PositiveIntegerField()
    expires_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    @property
    def balance(self) -> Decimal:
        return Decimal(self.balance_pence) / 100


class PilotLogEntry(models.Model):
    pilot = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="log_entries")
    flight = models.OneToOneField(Flight, on_delete=models.PROTECT, related_name="log_entry")
    envelope_registration = models.CharField(max_length=12)
    takeoff_at = models.DateTimeField()
    landing_at = models.DateTimeField()
    landing_site = models.CharField(max_length=200)
    remarks = models.TextField(blank=True)


class ProcessedStripeEvent(models.Model):
    event_id = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)


class MetWarning(models.Model):
    warning_id = models.CharField(max_length=64, unique=True)
    region = models.CharField(max_length=64, db_index=True)
    severity = models.CharField(max_length=16)
    headline = models.CharField(max_length=300)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
