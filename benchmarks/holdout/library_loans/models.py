"""Data model for members, the catalogue, holds, loans and fines."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Branch(models.Model):
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)

    def __str__(self):
        return self.name


class Member(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    card_number = models.CharField(max_length=14, unique=True)
    home_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="members")
    fine_balance_cents = models.PositiveIntegerField(default=0)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    is_suspended = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)


class Book(models.Model):
    isbn = models.CharField(max_length=13, unique=True)
    title = models.CharField(max_length=300, db_index=True)
    author = models.CharField(max_length=200, db_index=True)
    copies_total = models.PositiveIntegerField(default=1)
    copies_available = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                check=Q(copies_available__lte=F("copies_total")), name="available_not_above_total"
            ),
        ]


class Hold(models.Model):
    WAITING, READY, CANCELLED, FULFILLED, EXPIRED = "waiting", "ready", "cancelled", "fulfilled", "expired"
    STATUSES = [(s, s) for s in (WAITING, READY, CANCELLED, FULFILLED, EXPIRED)]

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="holds")
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="holds")
    status = models.CharField(max_length=10, choices=STATUSES, default=WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    ready_notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["book", "status", "created_at"])]


class Loan(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="loans")
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="loans")
    checked_out_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], condition=Q(returned_at__isnull=True), name="open_loans_by_due"),
            models.Index(fields=["member", "returned_at"]),
        ]


class Fine(models.Model):
    UNPAID, PAID, REFUNDED, WAIVED = "unpaid", "paid", "refunded", "waived"
    STATUSES = [(s, s) for s in (UNPAID, PAID, REFUNDED, WAIVED)]

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="fines")
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=STATUSES, default=UNPAID)
    stripe_payment_intent = models.CharField(max_length=64, blank=True, db_index=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=Q(status="unpaid"), name="one_unpaid_fine_per_loan"),
        ]
