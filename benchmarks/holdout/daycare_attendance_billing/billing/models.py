"""Billing accounts, daily rates, invoices and payments."""
from decimal import Decimal

from django.db import models


class BillingAccount(models.Model):
    family = models.OneToOneField(
        "attendance.Family", on_delete=models.PROTECT, related_name="billing_account"
    )
    balance = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    processor_customer_token = models.CharField(max_length=64, blank=True)
    autopay = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)


class Rate(models.Model):
    """Daily rate per classroom. A handful of rows per center."""

    classroom = models.ForeignKey("attendance.Classroom", on_delete=models.CASCADE, related_name="rates")
    daily_rate = models.DecimalField(max_digits=7, decimal_places=2)
    effective_from = models.DateField()

    class Meta:
        ordering = ["classroom_id", "effective_from"]


class Invoice(models.Model):
    STATUS_CHOICES = [
        ("draft", "Draft"),
        ("sent", "Sent"),
        ("paid", "Paid"),
        ("void", "Void"),
    ]

    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=24, unique=True)
    period = models.DateField(help_text="First day of the billed month")
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    status = models.CharField(max_length=8, choices=STATUS_CHOICES, default="draft")
    issued_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="one_invoice_per_period"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    child = models.ForeignKey("attendance.Child", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=7, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)


class Payment(models.Model):
    account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.SET_NULL)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=16, default="card")
    processor_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
