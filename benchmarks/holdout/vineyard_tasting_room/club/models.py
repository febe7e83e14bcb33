"""Wine club memberships, quarterly shipments, add-on orders and Stripe event receipts."""
import uuid

from django.conf import settings
from django.db import models


class ClubMembership(models.Model):
    class Tier(models.TextChoices):
        CLASSIC = "classic", "Classic (6 bottles)"
        RESERVE = "reserve", "Reserve (12 bottles)"

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="club_membership"
    )
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.CLASSIC)
    stripe_customer_id = models.CharField(max_length=64)
    default_payment_method = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True, db_index=True)
    paused_until = models.DateField(null=True, blank=True)
    ship_to = models.JSONField(default=dict)
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.member} ({self.tier})"


class ClubShipment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        FAILED = "failed"
        SKIPPED = "skipped"
        SHIPPED = "shipped"

    membership = models.ForeignKey(ClubMembership, on_delete=models.PROTECT, related_name="shipments")
    quarter = models.CharField(max_length=7)  # "2024-Q3"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_cents = models.PositiveIntegerField(default=0)
    payment_intent_id = models.CharField(max_length=64, blank=True)
    gift_message = models.TextField(blank=True)
    charged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "quarter"], name="one_shipment_per_quarter"),
        ]
        indexes = [models.Index(fields=["quarter", "status"])]


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(ClubShipment, on_delete=models.CASCADE, related_name="lines")
    vintage = models.ForeignKey("inventory.Vintage", on_delete=models.PROTECT)
    quantity = models.PositiveSmallIntegerField()
    unit_price_cents = models.PositiveIntegerField()


class AddOnOrder(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        FAILED = "failed"

    membership = models.ForeignKey(ClubMembership, on_delete=models.PROTECT, related_name="addons")
    vintage = models.ForeignKey("inventory.Vintage", on_delete=models.PROTECT)
    quantity = models.PositiveSmallIntegerField()
    total_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    payment_intent_id = models.CharField(max_length=64, blank=True)
    client_token = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "client_token"], name="one_addon_per_client_token"),
        ]


class StripeEvent(models.Model):
    """Receipt for each Stripe webhook event we have handled."""

    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
