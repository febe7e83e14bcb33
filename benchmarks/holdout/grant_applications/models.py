"""Data model for grant rounds, applications and reviews."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class GrantRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        REVIEW = "review"
        DECIDED = "decided"

    name = models.CharField(max_length=200)
    deadline = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    budget = models.DecimalField(max_digits=12, decimal_places=2)
    max_request = models.DecimalField(max_digits=10, decimal_places=2)

    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and self.deadline > timezone.now()

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"
        FUNDED = "funded"
        DECLINED = "declined"

    grant_round = models.ForeignKey(GrantRound, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=5000)
    amount_requested = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    score_total = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["grant_round", "status"])]

    @property
    def average_score(self) -> Decimal | None:
        if not self.review_count:
            return None
        return (Decimal(self.score_total) / self.review_count).quantize(Decimal("0.01"))


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"applications/{instance.application_id}/{timezone.now():%Y%m%d%H%M%S}-{instance.pk or 'new'}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ReviewerAssignment(models.Model):
    grant_round = models.ForeignKey(GrantRound, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="uq_assignment"),
        ]


class Review(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    comment = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="uq_review_once"),
        ]


class ReminderLog(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="uq_reminder_kind"),
        ]
