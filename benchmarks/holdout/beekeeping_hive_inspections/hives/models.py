"""Apiaries, hives, inspection records and the photos attached to them."""
from django.conf import settings
from django.db import models

from members.models import Member


class Apiary(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="apiaries")
    name = models.CharField(max_length=80)
    postcode = models.CharField(max_length=10)
    grid_ref = models.CharField(max_length=16, blank=True)

    def __str__(self) -> str:
        return self.name


class Hive(models.Model):
    ACTIVE = "active"
    DEAD_OUT = "dead_out"
    UNITED = "united"

    apiary = models.ForeignKey(Apiary, on_delete=models.CASCADE, related_name="hives")
    label = models.CharField(max_length=40)
    queen_year = models.PositiveSmallIntegerField(blank=True, null=True)
    status = models.CharField(max_length=10, default=ACTIVE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["apiary", "label"], name="unique_hive_label")]

    def __str__(self) -> str:
        return f"{self.apiary.name} / {self.label}"


class Inspection(models.Model):
    VARROA_METHODS = [
        ("sticky_board", "Sticky board (mites/day)"),
        ("alcohol_wash", "Alcohol wash (% infestation)"),
        ("sugar_roll", "Sugar roll (% infestation)"),
    ]

    hive = models.ForeignKey(Hive, on_delete=models.CASCADE, related_name="inspections")
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    inspected_at = models.DateTimeField(db_index=True)
    brood_frames = models.PositiveSmallIntegerField(default=0)
    queen_seen = models.BooleanField(default=False)
    eggs_seen = models.BooleanField(default=False)
    queen_cells = models.PositiveSmallIntegerField(default=0)
    temper = models.PositiveSmallIntegerField(default=3)  # 1 calm .. 5 aggressive
    varroa_method = models.CharField(max_length=16, choices=VARROA_METHODS, blank=True)
    varroa_count = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["hive", "-inspected_at"], name="inspection_hive_recent")]
        ordering = ["-inspected_at"]


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(max_length=255)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class DigestSent(models.Model):
    """One row per member per month once the mite digest e-mail has gone out."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="one_digest_per_month")]
