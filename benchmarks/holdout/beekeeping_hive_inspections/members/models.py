"""Club members and their annual membership invoices."""
from django.conf import settings
from django.db import models


class Member(models.Model):
    ACTIVE = "active"
    LAPSED = "lapsed"
    STATUS_CHOICES = [(ACTIVE, "Active"), (LAPSED, "Lapsed")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="member")
    membership_no = models.CharField(max_length=12, unique=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=ACTIVE,
                              db_index=True)
    is_junior = models.BooleanField(default=False)
    phone = models.CharField(max_length=32, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    joined_on = models.DateField(auto_now_add=True)
    gocardless_mandate_id = models.CharField(max_length=32, blank=True, null=True, unique=True)
    # free extractor sessions left this season
    extraction_credits = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["membership_no"]

    def __str__(self) -> str:
        return f"{self.membership_no} {self.user.get_full_name()}"

    @property
    def annual_fee_pence(self) -> int:
        return settings.JUNIOR_FEE_PENCE if self.is_junior else settings.ANNUAL_FEE_PENCE


class MembershipInvoice(models.Model):
    DRAFT = "draft"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    PAID = "paid"
    FAILED = "failed"
    STATUS_CHOICES = [(s, s.title()) for s in (DRAFT, SUBMITTING, SUBMITTED, PAID, FAILED)]

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invoices")
    year = models.PositiveSmallIntegerField()
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=DRAFT,
                              db_index=True)
    gocardless_payment_id = models.CharField(max_length=32, blank=True, null=True, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(blank=True, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="one_invoice_per_member_year"),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.year} for {self.member.membership_no}"

    @property
    def number(self) -> str:
        return f"AC{self.year}-{self.pk:05d}"

    @property
    def idempotency_key(self) -> str:
        return f"apiary-invoice-{self.pk}"
