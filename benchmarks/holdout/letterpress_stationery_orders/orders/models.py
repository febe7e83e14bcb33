"""Models for wedding stationery orders, proofs, paper stock and press time."""

from django.conf import settings
from django.db import models


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_PROOF = "awaiting_proof", "Awaiting proof"
        PROOF_SENT = "proof_sent", "Proof sent"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"
        PRINTING = "printing", "Printing"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    class PaperSize(models.TextChoices):
        A5 = "A5", "A5 (148 x 210 mm)"
        A6 = "A6", "A6 (105 x 148 mm)"
        DL = "DL", "DL (99 x 210 mm)"
        SQ = "SQ148", "Square 148 mm"

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stationery_orders"
    )
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    couple_names = models.CharField(max_length=200)
    wedding_date = models.DateField()
    paper_size = models.CharField(max_length=6, choices=PaperSize.choices)
    sheets = models.PositiveIntegerField()
    ink_colours = models.PositiveSmallIntegerField(default=1)
    total_pence = models.PositiveIntegerField(default=0)
    balance_pence = models.PositiveIntegerField(default=0)
    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_payment_method_id = models.CharField(max_length=255, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    dispatch_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="order_customer_recent"),
            models.Index(fields=["status", "updated_at"], name="order_status_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.couple_names})"


class Proof(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="proofs")
    version = models.PositiveSmallIntegerField()
    image = models.FileField(upload_to="proofs/%Y/%m/", blank=True)
    preview = models.ImageField(upload_to="previews/%Y/%m/", blank=True)
    customer_note = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "version"], name="uniq_proof_version")]
        ordering = ["-version"]


class PaperStock(models.Model):
    size = models.CharField(max_length=6, unique=True, choices=Order.PaperSize.choices)
    stock_name = models.CharField(max_length=120)
    sheets_on_hand = models.IntegerField(default=0)
    reorder_level = models.PositiveIntegerField(default=500)
    updated_at = models.DateTimeField(auto_now=True)


class PressSlot(models.Model):
    class Press(models.TextChoices):
        WINDMILL = "windmill", "Heidelberg Windmill"
        VANDERCOOK = "vandercook", "Vandercook SP15"

    press = models.CharField(max_length=20, choices=Press.choices)
    starts_at = models.DateTimeField()
    order = models.OneToOneField(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="press_slot"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["press", "starts_at"], name="uniq_press_slot")]
        indexes = [models.Index(fields=["press", "starts_at"], name="press_slot_time")]


class StripeEvent(models.Model):
    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
