from django.conf import settings
from django.db import models
from django.db.models import Q


class Ward(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=80)
    specialty = models.CharField(max_length=40, db_index=True)
    total_beds = models.PositiveIntegerField(default=0)
    occupied_beds = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.code


class Bed(models.Model):
    FREE, OCCUPIED, CLEANING, BLOCKED = "free", "occupied", "cleaning", "blocked"
    STATUSES = [(s, s.title()) for s in (FREE, OCCUPIED, CLEANING, BLOCKED)]

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="beds")
    label = models.CharField(max_length=12)
    status = models.CharField(max_length=10, choices=STATUSES, default=FREE, db_index=True)
    isolation_capable = models.BooleanField(default=False)
    current_admission = models.ForeignKey(
        "Admission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cleaning_done_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        unique_together = [("ward", "label")]


class Patient(models.Model):
    mrn = models.CharField("medical record number", max_length=16, unique=True)
    family_name = models.CharField(max_length=80)
    given_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    next_of_kin_name = models.CharField(max_length=120, blank=True)
    next_of_kin_phone = models.CharField(max_length=20, blank=True)
    next_of_kin_email = models.EmailField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["family_name", "given_name"], name="patient_name_idx")]


class Admission(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="admissions")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="admissions")
    bed = models.ForeignKey(Bed, null=True, on_delete=models.SET_NULL, related_name="admissions")
    admitted_at = models.DateTimeField(auto_now_add=True)
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    discharged_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acuity = models.PositiveSmallIntegerField(default=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"], condition=Q(discharged_at__isnull=True),
                name="one_open_admission_per_patient",
            )
        ]
        indexes = [models.Index(fields=["ward", "-admitted_at"], name="admission_ward_recent_idx")]


class Transfer(models.Model):
    admission = models.ForeignKey(Admission, on_delete=models.CASCADE, related_name="transfers")
    from_bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="+")
    to_bed = models.ForeignKey(Bed, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class WardAccess(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ward_access")
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="staff_access")
    can_manage = models.BooleanField(default=False)

    class Meta:
        unique_together = [("user", "ward")]

    @classmethod
    def can_manage_ward(cls, user, ward_id):
        if user.is_superuser:
            return True
        return cls.objects.filter(user=user, ward_id=ward_id, can_manage=True).exists()


class OnCallShift(models.Model):
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="oncall_shifts")
    clinician_name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["ward", "starts_at", "ends_at"], name="oncall_window_idx")]


class Page(models.Model):
    shift = models.ForeignKey(OnCallShift, on_delete=models.PROTECT, related_name="pages")
    admission = models.ForeignKey(Admission, null=True, on_delete=models.SET_NULL, related_name="pages")
    dedupe_key = models.CharField(max_length=80, unique=True)
    message = models.CharField(max_length=320)
    provider_sid = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
