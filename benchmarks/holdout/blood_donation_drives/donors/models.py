from django.conf import settings
from django.db import models
from django.db.models import F, Q


class BloodGroup(models.TextChoices):
    O_NEG = "O-", "O negative"
    O_POS = "O+", "O positive"
    A_NEG = "A-", "A negative"
    A_POS = "A+", "A positive"
    B_NEG = "B-", "B negative"
    B_POS = "B+", "B positive"
    AB_NEG = "AB-", "AB negative"
    AB_POS = "AB+", "AB positive"


class Donor(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="donor")
    national_id = models.CharField(max_length=20, unique=True)
    date_of_birth = models.DateField()
    blood_group = models.CharField(max_length=3, choices=BloodGroup.choices, blank=True)
    phone = models.CharField(max_length=20)
    sms_opt_in = models.BooleanField(default=True)
    eligibility = models.CharField(max_length=12, default="unknown")  # eligible | deferred | unknown
    deferred_until = models.DateField(null=True, blank=True)
    donation_count = models.PositiveIntegerField(default=0)
    last_donation_on = models.DateField(null=True, blank=True)
    consent_form_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Drive(models.Model):
    name = models.CharField(max_length=120)
    venue = models.CharField(max_length=200)
    postcode = models.CharField(max_length=10, db_index=True)
    date = models.DateField(db_index=True)
    published = models.BooleanField(default=False)


class Slot(models.Model):
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(default=4)
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(check=Q(booked__lte=F("capacity")), name="slot_capacity")]
        indexes = [models.Index(fields=["drive", "starts_at"]), models.Index(fields=["starts_at"])]


class Appointment(models.Model):
    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="appointments")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    status = models.CharField(max_length=12, default="booked")  # booked | attended | cancelled | no_show
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["donor", "slot"], name="one_booking_per_slot"),
        ]
        indexes = [models.Index(fields=["status", "slot"])]


class Donation(models.Model):
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, null=True)
    unit_number = models.CharField(max_length=24, unique=True)
    volume_ml = models.PositiveSmallIntegerField(default=470)
    donated_at = models.DateTimeField()


class LabResult(models.Model):
    donation = models.OneToOneField(Donation, on_delete=models.CASCADE, related_name="lab_result")
    blood_group = models.CharField(max_length=3, choices=BloodGroup.choices)
    haemoglobin_g_dl = models.DecimalField(max_digits=4, decimal_places=1)
    screening_passed = models.BooleanField()
    report_key = models.CharField(max_length=200, blank=True)  # S3 key of the lab's PDF
    received_at = models.DateTimeField(auto_now_add=True)


class ReminderLog(models.Model):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)  # sms-24h | email-confirm | sms-thanks
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appointment", "kind"], name="one_reminder_per_kind")]


class StaffMember(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20)  # nurse | phlebotomist | driver | coordinator
    max_hours_week = models.PositiveSmallIntegerField(default=37)


class Shift(models.Model):
    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="shifts")
    role = models.CharField(max_length=20)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    assigned_to = models.ForeignKey(StaffMember, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=["starts_at"])]


class StaffingRule(models.Model):
    """Per-drive staffing rule, e.g. "nurse >= 2 and phlebotomist >= 1"."""

    name = models.CharField(max_length=80)
    expression = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
