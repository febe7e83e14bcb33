import uuid

from django.conf import settings
from django.db import models


class Customer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer")
    phone = models.CharField(max_length=32)
    address_line = models.CharField(max_length=200)
    city = models.CharField(max_length=80)
    postcode = models.CharField(max_length=12, db_index=True)
    payment_customer_id = models.CharField(max_length=64, blank=True)
    portal_password_hash = models.CharField(max_length=128, blank=True)

    def __str__(self):
        return f"{self.user.get_full_name()} ({self.postcode})"


class Piano(models.Model):
    class Kind(models.TextChoices):
        UPRIGHT = "upright"
        GRAND = "grand"
        DIGITAL = "digital"

    owner = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="pianos")
    make = models.CharField(max_length=60)
    model_name = models.CharField(max_length=60, blank=True)
    serial_number = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UPRIGHT)
    last_tuned_on = models.DateField(null=True, blank=True, db_index=True)
    reminder_sent_on = models.DateField(null=True, blank=True)


class Technician(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="technician")
    display_name = models.CharField(max_length=80)
    region = models.CharField(max_length=40, db_index=True)
    completed_jobs = models.PositiveIntegerField(default=0)
    rating_total = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)

    @property
    def rating(self):
        return round(self.rating_total / self.rating_count, 2) if self.rating_count else None


class Slot(models.Model):
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_taken = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["technician", "starts_at"]), models.Index(fields=["is_taken", "starts_at"])]
        constraints = [models.UniqueConstraint(fields=["technician", "starts_at"], name="uniq_slot_start")]


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        CONFIRMED = "confirmed"
        COMPLETED = "completed"
        CANCELLED = "cancelled"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bookings")
    piano = models.ForeignKey(Piano, on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PAID = "paid"
        FAILED = "failed"
        REFUNDED = "refunded"

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="invoice")
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment_reference = models.CharField(max_length=64, null=True, blank=True, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
