"""Domain models: patients, lab orders, results, reports and notifications."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models


class Clinician(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician")
    display_name = models.CharField(max_length=120)
    practice_code = models.CharField(max_length=20, db_index=True)

    def __str__(self):
        return self.display_name


class Patient(models.Model):
    mrn = models.CharField(max_length=20, unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    phone = models.CharField(max_length=20, blank=True)
    sms_opt_in = models.BooleanField(default=False)
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="patients")
    unread_results = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            GinIndex(name="patient_last_name_trgm", fields=["last_name"], opclasses=["gin_trgm_ops"]),
        ]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class LabOrder(models.Model):
    order_number = models.CharField(max_length=32, unique=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="orders")
    ordered_by = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="orders")
    ordered_at = models.DateTimeField()
    panel = models.CharField(max_length=40)


class LabResult(models.Model):
    FLAGS = [("N", "Normal"), ("H", "High"), ("L", "Low"), ("HH", "Critical high"), ("LL", "Critical low")]

    order = models.ForeignKey(LabOrder, on_delete=models.CASCADE, related_name="results")
    accession_number = models.CharField(max_length=32, unique=True)
    test_code = models.CharField(max_length=20)
    test_name = models.CharField(max_length=120)
    value = models.CharField(max_length=60)
    units = models.CharField(max_length=20, blank=True)
    reference_range = models.CharField(max_length=40, blank=True)
    flag = models.CharField(max_length=2, choices=FLAGS, default="N")
    status = models.CharField(max_length=12, default="final")
    resulted_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["flag", "resulted_at"]),
            models.Index(fields=["-resulted_at"]),
        ]

    @property
    def is_critical(self) -> bool:
        return self.flag in ("HH", "LL")


class ResultReport(models.Model):
    result = models.OneToOneField(LabResult, on_delete=models.CASCADE, related_name="report")
    storage_key = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    generated_at = models.DateTimeField(auto_now=True)


class Notification(models.Model):
    result = models.ForeignKey(LabResult, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=10, default="sms")
    status = models.CharField(max_length=12, default="pending")
    provider_message_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "channel"], name="one_notification_per_channel"),
        ]


class ImportBatch(models.Model):
    source = models.CharField(max_length=10)
    filename = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    rows_created = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
