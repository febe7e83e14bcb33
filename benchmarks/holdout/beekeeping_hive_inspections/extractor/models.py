"""The club's shared honey extractors and members' bookings of them."""
from django.db import models
from django.db.models import F, Q

from members.models import Member


class Extractor(models.Model):
    name = models.CharField(max_length=60)
    location = models.CharField(max_length=120)
    frames = models.PositiveSmallIntegerField(help_text="Frames per spin")
    active = models.BooleanField(default=True)
    max_booking_hours = models.PositiveSmallIntegerField(default=4)

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


class ExtractorBookingQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status="confirmed")

    def clashing(self, extractor_id: int, starts_at, ends_at):
        return self.confirmed().filter(extractor_id=extractor_id, starts_at__lt=ends_at,
                                       ends_at__gt=starts_at)


class ExtractorBooking(models.Model):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    STATUS_CHOICES = [(CONFIRMED, "Confirmed"), (CANCELLED, "Cancelled")]

    extractor = models.ForeignKey(Extractor, on_delete=models.PROTECT, related_name="bookings")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="extractor_bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    supers = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=CONFIRMED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExtractorBookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["extractor", "starts_at"], name="extractor_booking_start"),
            models.Index(fields=["member", "-starts_at"], name="extractor_booking_member"),
        ]
        constraints = [
            models.CheckConstraint(check=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
        ]

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def overlaps(self, starts_at, ends_at) -> bool:
        return self.starts_at < ends_at and starts_at < self.ends_at
