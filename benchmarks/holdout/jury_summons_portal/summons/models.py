from django.conf import settings
from django.db import models


class Court(models.Model):
    name = models.CharField(max_length=120)
    county = models.CharField(max_length=80, db_index=True)
    address = models.TextField()

    def __str__(self):
        return self.name


class Juror(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    county = models.CharField(max_length=80)
    round_trip_miles = models.PositiveIntegerField(default=0)
    eligible = models.BooleanField(default=True)
    last_served_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["county", "eligible"]),
            models.Index(fields=["last_name", "first_name"]),
        ]


class Summons(models.Model):
    class Status(models.TextChoices):
        MAILED = "mailed"
        RESPONDED = "responded"
        DEFERRED = "deferred"
        EXCUSED = "excused"
        REPORTED = "reported"
        SEATED = "seated"
        SERVED = "served"

    juror = models.ForeignKey(Juror, on_delete=models.PROTECT, related_name="summonses")
    court = models.ForeignKey(Court, on_delete=models.PROTECT)
    badge_number = models.CharField(max_length=12, unique=True)
    service_date = models.DateField()
    response_deadline = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.MAILED)
    access_code_hash = models.CharField(max_length=128, blank=True)
    days_served = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["court", "service_date"]),
            models.Index(fields=["status", "response_deadline"]),
        ]


class Panel(models.Model):
    court = models.ForeignKey(Court, on_delete=models.PROTECT)
    service_date = models.DateField()
    case_number = models.CharField(max_length=32)
    capacity = models.PositiveSmallIntegerField(default=14)
    seats_filled = models.PositiveSmallIntegerField(default=0)


class PanelSeat(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="seats")
    summons = models.ForeignKey(Summons, on_delete=models.PROTECT)
    seat_number = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["panel", "summons"], name="uniq_panel_summons"),
            models.UniqueConstraint(fields=["panel", "seat_number"], name="uniq_panel_seat"),
        ]


class AttendanceRecord(models.Model):
    summons = models.ForeignKey(Summons, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField()
    checked_in_at = models.DateTimeField(auto_now_add=True)
    kiosk_id = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["summons", "day"], name="uniq_attendance_day")]


class StipendPayment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SUBMITTING = "submitting"
        PAID = "paid"
        FAILED = "failed"

    summons = models.ForeignKey(Summons, on_delete=models.PROTECT, related_name="payments")
    week_start = models.DateField()
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=64, blank=True)
    provider_ref = models.CharField(max_length=64, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["summons", "week_start"], name="uniq_stipend_week")]
        indexes = [models.Index(fields=["status"])]


class ExcusalDocument(models.Model):
    summons = models.ForeignKey(Summons, on_delete=models.CASCADE, related_name="documents")
    original_name = models.CharField(max_length=255)
    local_path = models.CharField(max_length=500, blank=True)
    s3_key = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=80)
    size_bytes = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
