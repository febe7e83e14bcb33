"""Store credit: issued for botched repairs, goodwill and unclaimed-deposit refunds."""
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from tickets.models import Customer, RepairTicket

CREDIT_LIFETIME = timedelta(days=365)


class StoreCreditAccount(models.Model):
    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="credit_account")
    balance_cents = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(check=models.Q(balance_cents__gte=0), name="credit_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} ${self.balance_cents / 100:.2f}"

    @property
    def balance_display(self) -> str:
        return f"${self.balance_cents / 100:,.2f}"


class CreditEntryQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(amount_cents__gt=0).exclude(reason=CreditEntry.Reason.REDEMPTION)

    def expiring_before(self, when):
        return self.issued().filter(created_at__lt=when - CREDIT_LIFETIME, expired=False)


class CreditEntry(models.Model):
    class Reason(models.TextChoices):
        GOODWILL = "goodwill"
        REDO = "redo"
        DEPOSIT_REFUND = "deposit_refund"
        REDEMPTION = "redemption"
        EXPIRY = "expiry"

    account = models.ForeignKey(StoreCreditAccount, on_delete=models.PROTECT, related_name="entries")
    amount_cents = models.IntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    ticket = models.ForeignKey(RepairTicket, null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expired = models.BooleanField(default=False)

    objects = CreditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        sign = "+" if self.amount_cents >= 0 else "-"
        return f"{sign}${abs(self.amount_cents) / 100:.2f} {self.reason}"
