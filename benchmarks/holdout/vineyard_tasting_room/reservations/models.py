"""Tasting slots and the reservations made against them."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class TastingSlot(models.Model):
    class Experience(models.TextChoices):
        FLIGHT = "flight", "Estate flight"
        RESERVE = "reserve", "Reserve tasting"
        CAVE_TOUR = "cave_tour", "Cave tour and tasting"

    experience = models.CharField(max_length=20, choices=Experience.choices)
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    capacity = models.PositiveSmallIntegerField()
    price_cents = models.PositiveIntegerField()
    members_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["experience", "starts_at"], name="uniq_slot_per_experience"),
        ]

    def __str__(self) -> str:
        return f"{self.get_experience_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class Reservation(models.Model):
    class Status(models.TextChoices):
        HELD = "held"
        CONFIRMED = "confirmed"
        CANCELLED = "cancelled"
        NO_SHOW = "no_show"

    slot = models.ForeignKey(TastingSlot, on_delete=models.PROTECT, related_name="reservations")
    guest = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasting_reservations"
    )
    party_size = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.HELD)
    confirmation_code = models.CharField(max_length=12, unique=True)
    payment_intent_id = models.CharField(max_length=64, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["slot", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "guest"],
                condition=~Q(status="cancelled"),
                name="one_active_reservation_per_guest_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.confirmation_code} ({self.party_size} guests)"
