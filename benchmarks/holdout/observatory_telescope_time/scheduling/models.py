"""Telescope time, proposals, raw images and guest-night tickets."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Telescope(models.Model):
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    aperture_m = models.DecimalField(max_digits=4, decimal_places=2)
    max_wind_kmh = models.PositiveSmallIntegerField(default=45)
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class ObservingNight(models.Model):
    OPEN, CLOSED, CANCELLED = "open", "closed", "cancelled"
    STATUS_CHOICES = [(OPEN, "Open"), (CLOSED, "Closed"), (CANCELLED, "Cancelled")]

    telescope = models.ForeignKey(Telescope, on_delete=models.PROTECT, related_name="nights")
    date = models.DateField()
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=OPEN)
    hours_available = models.DecimalField(max_digits=4, decimal_places=1)
    guest_capacity = models.PositiveSmallIntegerField(default=0)
    guest_seats_sold = models.PositiveSmallIntegerField(default=0)
    guest_price_pence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["telescope", "date"], name="one_night_per_telescope_date"),
            models.CheckConstraint(
                check=Q(guest_seats_sold__lte=F("guest_capacity")), name="guest_seats_within_capacity"
            ),
        ]
        indexes = [models.Index(fields=["date", "status"])]


class Proposal(models.Model):
    code = models.CharField(max_length=20, unique=True)  # e.g. 2025B-014
    title = models.CharField(max_length=200)
    principal_investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    semester = models.CharField(max_length=6, db_index=True)
    abstract = models.TextField()
    hours_requested = models.DecimalField(max_digits=5, decimal_places=1)
    review_count = models.PositiveIntegerField(default=0)
    score_total = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    submitted_at = models.DateTimeField(auto_now_add=True)


class Review(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    score = models.DecimalField(max_digits=3, decimal_places=1)  # 1.0 (weak) to 5.0 (outstanding)
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="one_review_per_reviewer"),
        ]


class SlotRequest(models.Model):
    ALLOCATED, WITHDRAWN = "allocated", "withdrawn"
    STATUS_CHOICES = [(ALLOCATED, "Allocated"), (WITHDRAWN, "Withdrawn")]

    night = models.ForeignKey(ObservingNight, on_delete=models.CASCADE, related_name="slot_requests")
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slot_requests")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL)
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=ALLOCATED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["night", "status"]),
            models.Index(fields=["observer", "status"]),
        ]


class FitsImage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fits_images")
    night = models.ForeignKey(ObservingNight, null=True, on_delete=models.SET_NULL, related_name="images")
    s3_key = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    object_name = models.CharField(max_length=80, blank=True)  # OBJECT header card
    uploaded_at = models.DateTimeField(auto_now_add=True)


class GuestTicketOrder(models.Model):
    RESERVED, PAID, PENDING, RELEASED = "reserved", "paid", "pending", "released"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    checkout_token = models.UUIDField(unique=True, null=True)
    night = models.ForeignKey(ObservingNight, on_delete=models.PROTECT, related_name="ticket_orders")
    email = models.EmailField()
    quantity = models.PositiveSmallIntegerField()
    amount_pence = models.PositiveIntegerField()
    payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=16, default=RESERVED)
    created_at = models.DateTimeField(auto_now_add=True)


class CancellationNotice(models.Model):
    night = models.ForeignKey(ObservingNight, on_delete=models.CASCADE, related_name="cancellation_notices")
    recipient = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["night", "recipient"], name="one_notice_per_recipient"),
        ]
