"""Data model for patients, appointments, treatment plans, pre-authorisations and imaging."""
import uuid

from django.conf import settings
from django.db import models


class Dentist(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dentist")
    full_name = models.CharField(max_length=120)
    gdc_number = models.CharField(max_length=20, unique=True)
    is_active = models.BooleanField(default=True)

    def __str__(self):
        return self.full_name


class Patient(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="patient"
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80, db_index=True)
    date_of_birth = models.DateField()
    mobile_phone = models.CharField(max_length=20, unique=True)
    email = models.EmailField(blank=True)
    insurer_code = models.CharField(max_length=20, blank=True)
    policy_number = models.CharField(max_length=40, blank=True)
    sms_opt_in = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked"
        CANCELLED = "cancelled"
        COMPLETED = "completed"
        NO_SHOW = "no_show"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    dentist = models.ForeignKey(Dentist, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["dentist", "starts_at"]), models.Index(fields=["starts_at"])]


class TreatmentPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PROPOSED = "proposed"
        ACCEPTED = "accepted"
        PREAUTH_PENDING = "preauth_pending"
        PREAUTH_APPROVED = "preauth_approved"
        PREAUTH_DECLINED = "preauth_declined"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_plans")
    dentist = models.ForeignKey(Dentist, on_delete=models.PROTECT, related_name="treatment_plans")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    total_fee = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class TreatmentItem(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="items")
    procedure_code = models.CharField(max_length=10)
    tooth = models.CharField(max_length=3, blank=True)
    description = models.CharField(max_length=200, blank=True)
    fee = models.DecimalField(max_digits=8, decimal_places=2)


class PreAuthorisation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SUBMITTED = "submitted"
        APPROVED = "approved"
        PARTIAL = "partial"
        DECLINED = "declined"
        ERROR = "error"

    plan = models.OneToOneField(TreatmentPlan, on_delete=models.CASCADE, related_name="preauthorisation")
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    insurer_reference = models.CharField(max_length=64, blank=True)
    approved_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    response = models.JSONField(default=dict, blank=True)


class XRayImage(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="xrays")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    s3_key = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class SmsReminder(models.Model):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField()
    provider_message_id = models.CharField(max_length=64)


class TrustedDevice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trusted_devices")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
