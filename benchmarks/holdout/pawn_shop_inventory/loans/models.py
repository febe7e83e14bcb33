"""Loans against pawned items, the payments taken on them, and cash drawers."""
from decimal import Decimal

from django.conf import settings
from django.db import models

from inventory.models import Customer, Item


class CashDrawer(models.Model):
    branch = models.CharField(max_length=40)
    label = models.CharField(max_length=40)
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("branch", "label")]


class Loan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        REDEEMED = "redeemed"
        FORFEITED = "forfeited"

    ticket_number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="loans")
    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="loan")
    principal = models.DecimalField(max_digits=10, decimal_places=2)
    monthly_rate = models.DecimalField(max_digits=5, decimal_places=4)
    accrued_interest = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    fees_due = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    amount_paid = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    last_accrued_on = models.DateField(null=True, blank=True)
    late_fee_applied_on = models.DateField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    @property
    def balance_due(self) -> Decimal:
        owed = self.principal + self.accrued_interest + self.fees_due - self.amount_paid
        return max(owed, Decimal("0.00"))


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=20)  # "card" or "cash"
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    stripe_payment_intent = models.CharField(max_length=64, unique=True, null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["loan", "status"])]
