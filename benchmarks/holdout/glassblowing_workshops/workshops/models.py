"""Workshops, their dated sessions, bookings, seat holds and instructors."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Instructor(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    display_name = models.CharField(max_length=120)
    stripe_account_id = models.CharField(max_length=64, blank=True)
    # Share of each booking's price that goes to the instructor, e.g. 0.60.
    revenue_share = models.DecimalField(max_digits=4, decimal_places=2, default=0.60)
    pending_payout_cents = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.display_name


class StudentProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    phone = models.CharField(max_length=32, blank=True)


class Workshop(models.Model):
    LEVELS = [("intro", "Intro"), ("intermediate", "Intermediate"), ("advanced", "Advanced")]

    title = models.CharField(max_length=160)
    slug = models.SlugField(unique=True)
    # Written by the instructor in the back office.
    description = models.TextField(blank=True)
    instructor = models.ForeignKey(Instructor, on_delete=models.PROTECT, related_name="workshops")
    level = models.CharField(max_length=16, choices=LEVELS, default="intro")
    price_cents = models.PositiveIntegerField()
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.title


class WorkshopSession(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=180)
    capacity = models.PositiveSmallIntegerField(default=6)
    seats_taken = models.PositiveSmallIntegerField(default=0)
    # Set once the instructor's share of this session has been credited.
    earnings_accrued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(check=Q(seats_taken__lte=F("capacity")), name="session_not_overbooked"),
        ]

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


class Booking(models.Model):
    STATUS = [
        ("pending", "Pending payment"),
        ("confirmed", "Confirmed"),
        ("cancelled", "Cancelled"),
        ("refunded", "Refunded"),
    ]

    session = models.ForeignKey(WorkshopSession, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    seats = models.PositiveSmallIntegerField(default=1)
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=STATUS, default="pending", db_index=True)
    payment_intent_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class SeatHold(models.Model):
    """Seats set aside for a student for a few minutes while they pay."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="holds")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    seats = models.PositiveSmallIntegerField()
    # Cleared once the hold has become a booking.
    expires_at = models.DateTimeField(null=True, db_index=True)
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.SET_NULL)


class Payout(models.Model):
    instructor = models.ForeignKey(Instructor, on_delete=models.PROTECT, related_name="payouts")
    amount_cents = models.PositiveIntegerField()
    period_end = models.DateField()
    status = models.CharField(max_length=16, default="pending")
    transfer_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instructor", "period_end"], name="one_payout_per_period"),
        ]
