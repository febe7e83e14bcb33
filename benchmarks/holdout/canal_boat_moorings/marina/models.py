"""Marinas, berths, boats and everything booked against them."""
from django.conf import settings
from django.db import models


class Marina(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=120)
    waterway = models.CharField(max_length=120)
    kiosk_public_key = models.TextField(blank=True)

    def __str__(self):
        return self.name


class Berth(models.Model):
    marina = models.ForeignKey(Marina, related_name="berths", on_delete=models.PROTECT)
    label = models.CharField(max_length=20)
    max_length_m = models.DecimalField(max_digits=5, decimal_places=2)
    has_shore_power = models.BooleanField(default=False)
    nightly_pence = models.PositiveIntegerField()
    winter_monthly_pence = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["marina", "label"], name="uniq_berth_label")]


class Boat(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="boats", on_delete=models.CASCADE)
    name = models.CharField(max_length=80)
    index_number = models.CharField(max_length=20, unique=True)
    length_m = models.DecimalField(max_digits=5, decimal_places=2)


class BerthBooking(models.Model):
    HELD, CONFIRMED, CANCELLED, EXPIRED = "held", "confirmed", "cancelled", "expired"
    STATUSES = [(s, s) for s in (HELD, CONFIRMED, CANCELLED, EXPIRED)]

    berth = models.ForeignKey(Berth, related_name="bookings", on_delete=models.PROTECT)
    boat = models.ForeignKey(Boat, related_name="bookings", on_delete=models.PROTECT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="berth_bookings", on_delete=models.PROTECT)
    arrives = models.DateField()
    departs = models.DateField()
    status = models.CharField(max_length=12, choices=STATUSES, default=HELD)
    total_pence = models.PositiveIntegerField()
    payment_intent_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["berth", "arrives", "departs"]), models.Index(fields=["status", "created_at"])]


class WinterContract(models.Model):
    berth = models.ForeignKey(Berth, related_name="winter_contracts", on_delete=models.PROTECT)
    boat = models.ForeignKey(Boat, related_name="winter_contracts", on_delete=models.PROTECT)
    season = models.CharField(max_length=9)  # e.g. "2024/2025"
    monthly_pence = models.PositiveIntegerField()
    stripe_customer_id = models.CharField(max_length=64)
    stripe_payment_method_id = models.CharField(max_length=64)
    next_charge_on = models.DateField(db_index=True)
    months_remaining = models.PositiveSmallIntegerField(default=5)
    status = models.CharField(max_length=12, default="active", db_index=True)
    offer_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["berth", "season"], name="uniq_berth_season")]


class ContractCharge(models.Model):
    contract = models.ForeignKey(WinterContract, related_name="charges", on_delete=models.PROTECT)
    period = models.CharField(max_length=7)  # "YYYY-MM"
    amount_pence = models.PositiveIntegerField()
    payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=12, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "period"], name="uniq_contract_period")]


class LockDay(models.Model):
    lock_name = models.CharField(max_length=60)
    date = models.DateField()
    capacity = models.PositiveSmallIntegerField(default=24)
    permits_issued = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lock_name", "date"], name="uniq_lock_day")]


class LockPassagePermit(models.Model):
    lock_day = models.ForeignKey(LockDay, related_name="permits", on_delete=models.PROTECT)
    boat = models.ForeignKey(Boat, related_name="lock_permits", on_delete=models.PROTECT)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    permit_number = models.CharField(max_length=24, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lock_day", "boat"], name="uniq_permit_boat_day")]


class PumpOutRequest(models.Model):
    marina = models.ForeignKey(Marina, related_name="pumpouts", on_delete=models.PROTECT)
    boat = models.ForeignKey(Boat, related_name="pumpouts", on_delete=models.PROTECT)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    requested_for = models.DateField()
    status = models.CharField(max_length=12, default="requested")
    contractor_ref = models.CharField(max_length=40, blank=True)
    notes = models.CharField(max_length=280, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
