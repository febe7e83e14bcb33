"""Wines, vintages and every movement of bottles in or out of the cellar."""
from django.conf import settings
from django.db import models


class Wine(models.Model):
    name = models.CharField(max_length=120)
    varietal = models.CharField(max_length=60)
    appellation = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return self.name


class Vintage(models.Model):
    wine = models.ForeignKey(Wine, on_delete=models.PROTECT, related_name="vintages")
    year = models.PositiveSmallIntegerField()
    sku = models.CharField(max_length=32, unique=True)
    label = models.CharField(max_length=160)
    # PositiveIntegerField adds a CHECK (>= 0) constraint in Postgres.
    bottles_on_hand = models.PositiveIntegerField(default=0)
    club_allocation = models.PositiveIntegerField(default=0)
    price_cents = models.PositiveIntegerField()
    tasting_notes = models.TextField(blank=True)
    released = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "wine__name"]
        constraints = [
            models.UniqueConstraint(fields=["wine", "year"], name="one_vintage_per_wine_year"),
        ]

    def __str__(self) -> str:
        return f"{self.wine.name} {self.year}"

    @property
    def sellable(self) -> int:
        """Bottles available to the tasting room once the club's share is set aside."""
        return max(self.bottles_on_hand - self.club_allocation, 0)


class InventoryMovement(models.Model):
    class Reason(models.TextChoices):
        RECEIPT = "receipt"
        POUR = "pour"
        SALE = "sale"
        CLUB = "club"
        BREAKAGE = "breakage"
        COUNT = "count"

    vintage = models.ForeignKey(Vintage, on_delete=models.PROTECT, related_name="movements")
    delta = models.IntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    reference = models.CharField(max_length=64, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["vintage", "-created_at"])]
