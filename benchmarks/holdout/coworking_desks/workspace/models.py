"""Members, desks, meeting rooms, bookings and invoices."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Company(models.Model):
    name = models.CharField(max_length=200, unique=True)
    billing_email = models.EmailField()

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Plan(models.TextChoices):
        FLEX = "flex", "Flex desk"
        FIXED = "fixed", "Fixed desk"
        OFFICE = "office", "Private office"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    plan = models.CharField(max_length=10, choices=Plan.choices, default=Plan.FLEX)
    is_active = models.BooleanField(default=True, db_index=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    default_payment_method = models.CharField(max_length=64, blank=True)
    account_credit_cents = models.PositiveIntegerField(default=0)


class Desk(models.Model):
    label = models.CharField(max_length=20, unique=True)
    zone = models.CharField(max_length=40)
    is_active = models.BooleanField(default=True)


class MeetingRoom(models.Model):
    name = models.CharField(max_length=80, unique=True)
    capacity = models.PositiveSmallIntegerField()
    hourly_rate_cents = models.PositiveIntegerField()
    calendar_resource_id = models.CharField(max_length=64, blank=True)


class DeskBooking(models.Model):
    class Slot(models.TextChoices):
        MORNING = "am", "Morning"
        AFTERNOON = "pm", "Afternoon"
        FULL_DAY = "full", "Full day"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="desk_bookings")
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField()
    slot = models.CharField(max_length=4, choices=Slot.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["desk", "date"]),
            models.Index(fields=["member", "date"]),
        ]


class RoomBooking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed"
        CANCELLED = "cancelled"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="room_bookings")
    room = models.ForeignKey(MeetingRoom, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    title = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    calendar_event_id = models.CharField(max_length=128, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["room", "starts_at"]),
            models.Index(fields=["member", "starts_at"]),
            models.Index(fields=["status", "reminder_sent_at", "starts_at"]),
        ]
        constraints = [models.CheckConstraint(check=Q(ends_at__gt=F("starts_at")), name="room_booking_positive")]


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        PROCESSING = "processing"
        PAID = "paid"
        FAILED = "failed"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invoices")
    period = models.DateField(help_text="First day of the billed month")
    amount_cents = models.PositiveIntegerField()
    credit_applied_cents = models.PositiveIntegerField(default=0)
    lines = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="one_invoice_per_member_month")]


class ProcessedStripeEvent(models.Model):
    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
