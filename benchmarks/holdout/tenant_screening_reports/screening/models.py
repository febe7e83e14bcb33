from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone


class LandlordProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="landlord")
    company_name = models.CharField(max_length=160)
    credit_balance = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(check=models.Q(credit_balance__gte=0), name="landlord_credit_nonnegative"),
        ]


class Applicant(models.Model):
    landlord = models.ForeignKey(LandlordProfile, on_delete=models.CASCADE, related_name="applicants")
    full_name = models.CharField(max_length=160)
    email = models.EmailField()
    ssn_last4 = models.CharField(max_length=4, blank=True)
    invite_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    invite_sent_at = models.DateTimeField(null=True, blank=True)
    consent_signed_at = models.DateTimeField(null=True, blank=True)
    consent_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["landlord", "email"], name="uniq_applicant_email_per_landlord"),
        ]


class ScreeningOrder(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SUBMITTED = "submitted"
        COMPLETE = "complete"
        FAILED = "failed"

    landlord = models.ForeignKey(LandlordProfile, on_delete=models.PROTECT, related_name="orders")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="orders")
    package = models.CharField(max_length=20)
    bureau = models.CharField(max_length=20)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=80)
    bureau_reference = models.CharField(max_length=64, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["landlord", "idempotency_key"], name="uniq_order_idempotency"),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["landlord", "-created_at"]),
        ]

    def mark_complete(self, completed_at=None):
        ScreeningOrder.objects.filter(pk=self.pk).exclude(status=self.Status.COMPLETE).update(
            status=self.Status.COMPLETE, completed_at=completed_at or timezone.now()
        )


class BureauReport(models.Model):
    order = models.OneToOneField(ScreeningOrder, on_delete=models.CASCADE, related_name="report")
    s3_key = models.CharField(max_length=255)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    recommendation = models.CharField(max_length=20, blank=True)
    summary = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)


class WebhookEvent(models.Model):
    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=80)
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="uniq_webhook_event"),
        ]
