"""Core models: families, students, instruments, rentals, credit, damage and invoices."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class School(models.Model):
    name = models.CharField(max_length=160)
    urn = models.CharField(max_length=12, unique=True)
    billing_email = models.EmailField()


class Guardian(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardian")
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    default_payment_method = models.CharField(max_length=64, blank=True)


class Student(models.Model):
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="students")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    year_group = models.PositiveSmallIntegerField()


class Instrument(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available"
        ON_LOAN = "on_loan"
        IN_REPAIR = "in_repair"
        SOLD = "sold"

    family = models.CharField(max_length=16, default="violin")
    size = models.CharField(max_length=8)
    serial_number = models.CharField(max_length=40, unique=True)
    maker = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    condition_grade = models.PositiveSmallIntegerField(default=1)
    monthly_rate_pence = models.PositiveIntegerField()
    purchase_price_pence = models.PositiveIntegerField()
    times_rented = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["family", "size", "status"])]  # ok: DB006


class Rental(models.Model):
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="rentals")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="rentals")
    term = models.CharField(max_length=12)
    started_on = models.DateField(auto_now_add=True)
    due_back_on = models.DateField()
    returned_on = models.DateField(null=True, blank=True)
    monthly_rate_pence = models.PositiveIntegerField()
    rent_to_own = models.BooleanField(default=False)
    last_reminder_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["term"]), models.Index(fields=["due_back_on", "returned_on"])]


class CreditAccount(models.Model):
    rental = models.OneToOneField(Rental, on_delete=models.CASCADE, related_name="credit")
    balance_pence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class CreditEntry(models.Model):
    account = models.ForeignKey(CreditAccount, on_delete=models.CASCADE, related_name="entries")
    amount_pence = models.IntegerField()
    reason = models.CharField(max_length=24)
    invoice = models.ForeignKey("TermInvoice", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)


class RepairTicket(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="repairs")
    status = models.CharField(max_length=16, default="open")
    estimate_pence = models.PositiveIntegerField(null=True, blank=True)
    luthier_ref = models.CharField(max_length=40, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)


class DamageReport(models.Model):
    rental = models.ForeignKey(Rental, on_delete=models.CASCADE, related_name="damage_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    description = models.TextField()
    severity = models.CharField(max_length=12)
    status = models.CharField(max_length=12, default="open")
    repair_ticket = models.OneToOneField(RepairTicket, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)


class DamagePhoto(models.Model):
    report = models.ForeignKey(DamageReport, null=True, on_delete=models.CASCADE, related_name="photos")
    ticket = models.ForeignKey(RepairTicket, null=True, on_delete=models.CASCADE, related_name="photos")
    storage_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)


class TermInvoice(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued"
        CHARGING = "charging"
        PAID = "paid"
        FAILED = "failed"

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="invoices")
    term = models.CharField(max_length=12)
    due_on = models.DateField(db_index=True)
    total_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED)
    stripe_payment_intent = models.CharField(max_length=64, blank=True)
    receipt_sent = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "term"], name="one_invoice_per_term")]


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(TermInvoice, on_delete=models.CASCADE, related_name="lines")
    rental = models.ForeignKey(Rental, on_delete=models.PROTECT)
    description = models.CharField(max_length=160)
    amount_pence = models.PositiveIntegerField()
