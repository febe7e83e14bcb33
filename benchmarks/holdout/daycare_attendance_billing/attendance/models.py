"""Centers, classrooms, families, children and daily attendance."""
from django.conf import settings
from django.db import models


class Center(models.Model):
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=32, blank=True)

    def __str__(self):
        return self.name


class Classroom(models.Model):
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="classrooms")
    name = models.CharField(max_length=60)
    capacity = models.PositiveSmallIntegerField(default=12)
    closes_at = models.TimeField()

    def __str__(self):
        return f"{self.center.name} / {self.name}"


class Family(models.Model):
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="families")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)


class Guardian(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="guardians")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True,
        on_delete=models.SET_NULL, related_name="guardian",
    )
    full_name = models.CharField(max_length=120)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    sms_opt_in = models.BooleanField(default=True)
    is_primary = models.BooleanField(default=False)
    is_authorized_pickup = models.BooleanField(default=True)


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    classroom = models.ForeignKey(Classroom, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    date_of_birth = models.DateField()
    active = models.BooleanField(default=True)


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=20, default="teacher")


class KioskDevice(models.Model):
    """A front-door tablet. Only the SHA-256 of its random device token is stored."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="kiosks")
    label = models.CharField(max_length=60)
    token_sha256 = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)


class AttendanceRecord(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="visits")
    classroom = models.ForeignKey(Classroom, on_delete=models.PROTECT, related_name="visits")
    checked_in_at = models.DateTimeField()
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kiosk = models.ForeignKey(KioskDevice, null=True, blank=True, on_delete=models.SET_NULL)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    picked_up_by = models.ForeignKey(Guardian, null=True, blank=True, on_delete=models.SET_NULL)
    late_fee_applied = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["child", "checked_in_at"]),
            models.Index(fields=["classroom", "checked_out_at"]),
        ]
