"""Core data model: members, addresses, allocations, shipments, gifts and events."""
from django.conf import settings
from django.db import models
from django.utils import timezone


def current_quarter(today=None):
    today = today or timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


class Member(models.Model):
    class Tier(models.TextChoices):
        CLASSIC = "classic", "Classic (4 bottles)"
        RESERVE = "reserve", "Reserve (6 bottles)"
        COLLECTOR = "collector", "Collector (12 bottles)"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.CLASSIC)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    default_payment_method = models.CharField(max_length=64, blank=True)
    prepaid_quarters = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, db_index=True)


class Address(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=40, default="Home")
    line1 = models.CharField(max_length=120)
    line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80)
    region = models.CharField(max_length=40)
    postal_code = models.CharField(max_length=16)
    is_default = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member"], condition=models.Q(is_default=True), name="one_default")]


class Wine(models.Model):
    name = models.CharField(max_length=120)
    price_cents = models.PositiveIntegerField()


class AllocationStock(models.Model):
    wine = models.ForeignKey(Wine, on_delete=models.PROTECT, related_name="stock")
    quarter = models.CharField(max_length=7)
    remaining = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wine", "quarter"], name="one_stock_row_per_quarter")]


class Allocation(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="allocations")
    wine = models.ForeignKey(Wine, on_delete=models.PROTECT)
    quarter = models.CharField(max_length=7, db_index=True)
    quantity = models.PositiveSmallIntegerField()


class Shipment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        PACKED = "packed"
        IN_TRANSIT = "in_transit"
        DELIVERED = "delivered"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="shipments")
    quarter = models.CharField(max_length=7)
    address = models.ForeignKey(Address, on_delete=models.PROTECT)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    tracking_number = models.CharField(max_length=40, unique=True, null=True, blank=True)
    carrier_status = models.CharField(max_length=40, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "quarter"], name="one_shipment_per_quarter")]


class ShipmentCharge(models.Model):
    shipment = models.OneToOneField(Shipment, on_delete=models.CASCADE, related_name="charge")
    amount_cents = models.PositiveIntegerField()
    stripe_payment_intent = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, default="pending")


class GiftMembership(models.Model):
    client_token = models.UUIDField(unique=True, null=True)
    purchaser_email = models.EmailField()
    recipient_email = models.EmailField()
    tier = models.CharField(max_length=16, choices=Member.Tier.choices)
    quarters = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12, unique=True)
    status = models.CharField(max_length=16, default="pending")
    stripe_payment_intent = models.CharField(max_length=64, blank=True)
    redeemed_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class TastingEvent(models.Model):
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField(db_index=True)
    capacity = models.PositiveSmallIntegerField()
    seats_taken = models.PositiveSmallIntegerField(default=0)


class RSVP(models.Model):
    event = models.ForeignKey(TastingEvent, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rsvps")
    guests = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="one_rsvp_per_member")]


class EmailNotice(models.Model):
    kind = models.CharField(max_length=32)
    shipment = models.ForeignKey(Shipment, null=True, on_delete=models.CASCADE)
    gift = models.ForeignKey(GiftMembership, null=True, on_delete=models.CASCADE)
    claimed_at = models.DateTimeField(null=True)
    sent_at = models.DateTimeField(null=True)
    ses_message_id = models.CharField(max_length=128, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "shipment"], name="one_notice_per_shipment"),
            models.UniqueConstraint(fields=["kind", "gift"], name="one_notice_per_gift"),
        ]
