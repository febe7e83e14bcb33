"""Sheets (lanes), leagues, draws and sheet bookings."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Sheet(models.Model):
    name = models.CharField(max_length=8, unique=True)  # "A" .. "F"
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Sheet {self.name}"


class League(models.Model):
    name = models.CharField(max_length=80)
    season = models.CharField(max_length=9, db_index=True)  # "2024-2025"
    weekday = models.PositiveSmallIntegerField()
    fee_cents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "season"], name="league_name_season_uniq")
        ]


class Team(models.Model):
    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=80)
    skip = models.ForeignKey("memberships.Member", on_delete=models.PROTECT, related_name="skipped_teams")
    members = models.ManyToManyField("memberships.Member", related_name="teams")
    wins = models.PositiveSmallIntegerField(default=0)
    losses = models.PositiveSmallIntegerField(default=0)


class Draw(models.Model):
    """One time slot of a league night; each sheet holds one game (two teams)."""

    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="draws")
    starts_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(help_text="Teams that fit: two per sheet.")
    published = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["league", "starts_at"])]


class DrawEntry(models.Model):
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="entries")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="entries")
    sheet = models.ForeignKey(Sheet, null=True, blank=True, on_delete=models.SET_NULL)
    entered_by = models.ForeignKey("memberships.Member", on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draw", "team"], name="draw_entry_team_uniq")
        ]


class SheetBooking(models.Model):
    """Practice or rental booking of one sheet for one slot."""

    STATUS_CHOICES = [("held", "Held"), ("paid", "Paid"), ("cancelled", "Cancelled")]

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="bookings")
    member = models.ForeignKey("memberships.Member", on_delete=models.CASCADE, related_name="sheet_bookings")
    starts_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default="held")
    payment_intent_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "starts_at"],
                condition=~Q(status="cancelled"),
                name="sheet_booking_slot_uniq",
            )
        ]
        indexes = [models.Index(fields=["member", "-starts_at"])]
