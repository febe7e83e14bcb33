from django.conf import settings
from django.db import models
from django.db.models import F, Q


class PermitApplication(models.Model):
    class Kind(models.TextChoices):
        BUILDING = "building", "Building permit"
        EVENT = "event", "Special event permit"

    class Status(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"
        FEE_PAID = "fee_paid"
        UNDER_REVIEW = "under_review"
        APPROVED = "approved"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    reference = models.CharField(max_length=20, unique=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="permit_applications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    site_address = models.CharField(max_length=255)
    parcel_id = models.CharField(max_length=32, db_index=True)
    description = models.TextField()
    conditions = models.TextField(blank=True)
    fee_cents = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    letter_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "submitted_at"])]
        permissions = [("review_application", "Can review permit applications")]

    def __str__(self) -> str:
        return self.reference


class FeePayment(models.Model):
    PENDING, PAID, FAILED = "pending", "paid", "failed"

    application = models.ForeignKey(PermitApplication, on_delete=models.PROTECT, related_name="payments")
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=10, default=PENDING)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True)
    gateway_ref = models.CharField(max_length=64, unique=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=~Q(status="failed"),
                                    name="one_live_payment_per_application"),
        ]


class Document(models.Model):
    application = models.ForeignKey(PermitApplication, on_delete=models.CASCADE, related_name="documents")
    category = models.CharField(max_length=32, default="general")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField(default=0)
    storage_path = models.CharField(max_length=500, blank=True)
    s3_key = models.CharField(max_length=500, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class InspectorSlot(models.Model):
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(db_index=True)
    capacity = models.PositiveSmallIntegerField(default=1)
    booked_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(check=Q(booked_count__lte=F("capacity")), name="slot_not_overbooked"),
        ]


class Inspection(models.Model):
    application = models.ForeignKey(PermitApplication, on_delete=models.CASCADE, related_name="inspections")
    slot = models.ForeignKey(InspectorSlot, on_delete=models.PROTECT, related_name="inspections")
    notes = models.TextField(blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "slot"], name="one_booking_per_slot"),
        ]


class DecisionLetter(models.Model):
    application = models.OneToOneField(PermitApplication, on_delete=models.CASCADE, related_name="letter")
    s3_key = models.CharField(max_length=500, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
