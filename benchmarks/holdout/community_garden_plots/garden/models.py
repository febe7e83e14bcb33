"""Plots, waitlists, fees, the tool shed and volunteer hours."""
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


class Site(models.Model):
    name = models.CharField(max_length=120, unique=True)
    address = models.TextField(blank=True)
    coordinators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="coordinated_sites", blank=True)


def _unsubscribe_token() -> str:
    return secrets.token_urlsafe(24)


class Member(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    phone = models.CharField(max_length=32, blank=True)
    active = models.BooleanField(default=True)
    newsletter_opt_in = models.BooleanField(default=True, db_index=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=_unsubscribe_token)
    balance_due_pence = models.IntegerField(default=0)
    credit_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))


class Plot(models.Model):
    VACANT, OFFERED, LET = "vacant", "offered", "let"
    STATUSES = [(VACANT, "Vacant"), (OFFERED, "Offered"), (LET, "Let")]
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="plots")
    number = models.CharField(max_length=8)
    size_sqm = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=STATUSES, default=VACANT, db_index=True)
    tenant = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="plots")
    offered_to = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    offer_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="plot_number_per_site")]


class WaitlistEntry(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="waitlist")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="waitlist_entries")
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=10, default="waiting", db_index=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["site", "status", "position"])]


class PlotFee(models.Model):
    plot = models.ForeignKey(Plot, on_delete=models.PROTECT, related_name="fees")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="fees")
    season = models.PositiveSmallIntegerField()
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=8, default="due")  # due, paid, waived
    due_date = models.DateField()
    paid_reference = models.CharField(max_length=64, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plot", "season"], name="one_fee_per_plot_season")]
        indexes = [models.Index(fields=["season", "status"])]


class Tool(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="tools")
    name = models.CharField(max_length=80)
    total_count = models.PositiveSmallIntegerField(default=1)
    available_count = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [models.CheckConstraint(check=Q(available_count__lte=models.F("total_count")), name="tool_available_le_total")]


class ToolLoan(models.Model):
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="loans")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tool_loans")
    borrowed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    due_back = models.DateField(db_index=True)
    returned_at = models.DateTimeField(null=True, blank=True)


class VolunteerShift(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(db_index=True)
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    description = models.CharField(max_length=200)


class HourCredit(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="hour_credits")
    shift = models.ForeignKey(VolunteerShift, on_delete=models.PROTECT, related_name="credits")
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "shift"], name="one_credit_per_shift")]


class Newsletter(models.Model):
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    status = models.CharField(max_length=10, default="draft")  # draft, sending, sent


class NewsletterDelivery(models.Model):
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["newsletter", "member"], name="one_delivery_per_member")]


class PlotDocument(models.Model):
    plot = models.ForeignKey(Plot, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True)
    storage_key = models.CharField(max_length=255, unique=True)
    title = models.CharField(max_length=120)
    content_type = models.CharField(max_length=80)
    size_bytes = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
