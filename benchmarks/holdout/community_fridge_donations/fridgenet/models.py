"""Fridges, stock, drop-off slots, donors, drivers and alerts."""
from django.conf import settings
from django.db import models
from django.db.models import Q


class Fridge(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    address = models.CharField(max_length=255)
    postcode = models.CharField(max_length=10, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fridges")
    items_in_stock = models.PositiveIntegerField(default=0)
    last_alert_at = models.DateTimeField(null=True, blank=True)


class StockItem(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available"
        TAKEN = "taken"
        DISCARDED = "discarded"

    fridge = models.ForeignKey(Fridge, on_delete=models.CASCADE, related_name="stock_items")
    dropoff = models.ForeignKey("DropOff", null=True, blank=True, on_delete=models.SET_NULL)
    category = models.CharField(max_length=40)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    expiry_date = models.DateField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["fridge", "status", "expiry_date"])]


class TemperatureReading(models.Model):
    fridge = models.ForeignKey(Fridge, on_delete=models.CASCADE, related_name="readings")
    celsius = models.DecimalField(max_digits=4, decimal_places=1)
    recorded_at = models.DateTimeField(db_index=True)


class AlertSubscription(models.Model):
    fridge = models.ForeignKey(Fridge, on_delete=models.CASCADE, related_name="alert_subscriptions")
    phone = models.CharField(max_length=20)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fridge", "phone"], name="uq_alert_fridge_phone")]


class Donor(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    display_name = models.CharField(max_length=120)
    receipts_opt_in = models.BooleanField(default=True)


class DropOffSlot(models.Model):
    fridge = models.ForeignKey(Fridge, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(default=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fridge", "starts_at"], name="uq_slot_start")]
        indexes = [models.Index(fields=["fridge", "starts_at"])]


class DropOff(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked"
        RECEIVED = "received"
        CANCELLED = "cancelled"

    slot = models.ForeignKey(DropOffSlot, on_delete=models.PROTECT, related_name="dropoffs")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="dropoffs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED, db_index=True)
    notes = models.CharField(max_length=300, blank=True)
    items_count = models.PositiveIntegerField(default=0)
    checked_in_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "donor"], condition=~Q(status="cancelled"), name="uq_active_dropoff"
            )
        ]


class DonationReceipt(models.Model):
    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="receipts")
    month = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["donor", "month"], name="uq_receipt_month")]


class Driver(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    phone = models.CharField(max_length=20)
    phone_verified = models.BooleanField(default=False)
    vehicle = models.CharField(max_length=60, blank=True)
    home_postcode = models.CharField(max_length=10)
    available_days = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)


class PickupRoute(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        CLAIMED = "claimed"
        DONE = "done"

    date = models.DateField(db_index=True)
    driver = models.ForeignKey(Driver, null=True, blank=True, on_delete=models.SET_NULL, related_name="routes")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)


class RouteStop(models.Model):
    route = models.ForeignKey(PickupRoute, on_delete=models.CASCADE, related_name="stops")
    fridge = models.ForeignKey(Fridge, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
