"""Tutors, students, credits, sessions, reviews and payouts."""
from django.conf import settings
from django.db import models
from django.db.models import Q


class Subject(models.Model):
    name = models.CharField(max_length=80, unique=True)

    def __str__(self) -> str:
        return self.name


class TutorProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutor_profile")
    headline = models.CharField(max_length=140)
    bio = models.TextField(blank=True)
    subjects = models.ManyToManyField(Subject, related_name="tutors")
    hourly_rate_credits = models.PositiveIntegerField(default=4)
    payout_account_id = models.CharField(max_length=64, blank=True)
    rating_total = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True, db_index=True)
    avatar_key = models.CharField(max_length=255, blank=True)

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_total / self.rating_count, 2) if self.rating_count else None


class StudentProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_profile")
    avatar_key = models.CharField(max_length=255, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")


class CreditAccount(models.Model):
    student = models.OneToOneField(StudentProfile, on_delete=models.CASCADE, related_name="credits")
    balance = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(check=Q(balance__gte=0), name="credit_balance_non_negative")]


class Payout(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    tutor = models.ForeignKey(TutorProfile, on_delete=models.PROTECT, related_name="payouts")
    period_start = models.DateField()
    period_end = models.DateField()
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    provider_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tutor", "period_start"], name="one_payout_per_tutor_period"),
        ]


class TutoringSession(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked"
        CANCELLED = "cancelled"
        COMPLETED = "completed"
        NO_SHOW = "no_show"

    tutor = models.ForeignKey(TutorProfile, on_delete=models.PROTECT, related_name="sessions")
    student = models.ForeignKey(StudentProfile, on_delete=models.PROTECT, related_name="sessions")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    credits_charged = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    room_id = models.CharField(max_length=64, blank=True)
    room_url = models.URLField(blank=True)
    recording_key = models.CharField(max_length=255, blank=True)
    paid_out = models.BooleanField(default=False)
    payout = models.ForeignKey(Payout, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["tutor", "starts_at"]),
            models.Index(fields=["student", "starts_at"]),
            models.Index(fields=["status", "paid_out", "starts_at"]),
        ]


class Review(models.Model):
    session = models.OneToOneField(TutoringSession, on_delete=models.CASCADE, related_name="review")
    tutor = models.ForeignKey(TutorProfile, on_delete=models.CASCADE, related_name="reviews")
    student = models.ForeignKey(StudentProfile, on_delete=models.CASCADE, related_name="reviews")
    stars = models.PositiveSmallIntegerField()
    body = models.TextField(blank=True)
    tutor_reply = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tutor", "-created_at"])]
