"""Gift cards sold at the front desk and online, redeemable against bookings."""
import random
import string

from django.conf import settings
from django.db import models
from django.db.models import Q

CODE_ALPHABET = string.ascii_uppercase + string.digits
CODE_LENGTH = 12


def generate_code() -> str:
    return "".join(random.choices(CODE_ALPHABET, k=CODE_LENGTH))  # expect: SEC010


class GiftCard(models.Model):
    code = models.CharField(max_length=32, unique=True, default=generate_code)
    purchaser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="giftcards_bought"
    )
    recipient_email = models.EmailField(blank=True)
    recipient_name = models.CharField(max_length=120, blank=True)
    message = models.CharField(max_length=500, blank=True)
    initial_cents = models.PositiveIntegerField()
    balance_cents = models.PositiveIntegerField()
    payment_intent_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(check=Q(balance_cents__lte=models.F("initial_cents")), name="balance_within_initial"),
        ]

    def masked_code(self) -> str:
        return f"****-{self.code[-4:]}"


class GiftCardRedemption(models.Model):
    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="redemptions")
    booking = models.ForeignKey("workshops.Booking", on_delete=models.PROTECT, related_name="giftcard_redemptions")
    amount_cents = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["booking", "reversed_at"])]
