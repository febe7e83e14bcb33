"""Data model for cars, reservations, deposits, inspections, loyalty and maintenance."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Car(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available"
        RENTED = "rented"
        MAINTENANCE = "maintenance"
        RETIRED = "retired"

    plate = models.CharField(max_length=12, unique=True)
    make = models.CharField(max_length=40)
    model = models.CharField(max_length=60)
    category = models.CharField(max_length=20)
    branch = models.CharField(max_length=40, db_index=True)
    daily_rate_cents = models.PositiveIntegerField()
    odometer_km = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AVAILABLE, db_index=True)


class Reservation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        CONFIRMED = "confirmed"
        ACTIVE = "active"
        RETURNED = "returned"
        CANCELLED = "cancelled"

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reservations")
    car = models.ForeignKey(Car, on_delete=models.PROTECT, related_name="reservations")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    deposit_cents = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["car", "starts_at", "ends_at"])]


ACTIVE_STATUSES = (Reservation.Status.PENDING, Reservation.Status.CONFIRMED, Reservation.Status.ACTIVE)


class Deposit(models.Model):
    reservation = models.OneToOneField(Reservation, on_delete=models.PROTECT, related_name="deposit")
    payment_intent_id = models.CharField(max_length=64, unique=True)
    payment_method_id = models.CharField(max_length=64)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=16, default="authorized")


class DamageCharge(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.PROTECT, related_name="damage_charges")
    amount_cents = models.PositiveIntegerField()
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=16, default="pending")
    payment_intent_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Inspection(models.Model):
    class Kind(models.TextChoices):
        PICKUP = "pickup"
        RETURN = "return"

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="inspections")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    odometer_km = models.PositiveIntegerField()
    fuel_level = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reservation", "kind"], name="uniq_inspection_kind")]


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    s3_key = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class LoyaltyAccount(models.Model):
    customer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty")
    points = models.PositiveIntegerField(default=0)
    lifetime_points = models.PositiveIntegerField(default=0)


class LoyaltyRedemption(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions")
    reward = models.CharField(max_length=20)
    points = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class MaintenanceTask(models.Model):
    car = models.ForeignKey(Car, on_delete=models.CASCADE, related_name="maintenance_tasks")
    kind = models.CharField(max_length=20)
    due_km = models.PositiveIntegerField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    odometer_at_completion = models.PositiveIntegerField(null=True, blank=True)
    assigned_to = models.CharField(max_length=60, blank=True)
    notes = models.TextField(blank=True)
