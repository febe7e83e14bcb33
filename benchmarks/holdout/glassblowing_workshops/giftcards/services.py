"""Gift card operations shared by the shop API, the front desk and webhooks.

Balances only change inside a transaction that holds the card's row lock, and
every redemption carries the caller's idempotency key (unique in the table),
so a retried request returns the first redemption instead of spending twice.
"""
import logging
import secrets

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from workshops.models import Booking

from .models import CODE_ALPHABET, GiftCard, GiftCardRedemption

logger = logging.getLogger(__name__)


class RedemptionError(Exception):
    pass


def new_code(length: int = 16) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def card_for_payment(payment_intent_id: str, *, purchaser_id, amount_cents: int,
                     recipient_email: str, recipient_name: str, message: str = ""):
    """Create the card paid for by this PaymentIntent, once. Call inside atomic()."""
    card, created = GiftCard.objects.get_or_create(  # ok: DB005
        payment_intent_id=payment_intent_id,
        defaults={"code": new_code(), "purchaser_id": purchaser_id, "initial_cents": amount_cents,
                  "balance_cents": amount_cents, "recipient_email": recipient_email,
                  "recipient_name": recipient_name, "message": message},
    )
    if created:
        transaction.on_commit(lambda: send_card_email.delay(card.pk))
    return card, created


def redeem(code: str, booking, amount_cents: int, idempotency_key: str) -> GiftCardRedemption:
    with transaction.atomic():
        card = GiftCard.objects.select_for_update().get(code=code)
        existing = GiftCardRedemption.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        if card.expires_at and card.expires_at < timezone.now():
            raise RedemptionError("This gift card has expired.")
        # Lock the booking too, so two cards cannot both pay its last dollars.
        Booking.objects.select_for_update().get(pk=booking.pk)
        already = booking.giftcard_redemptions.filter(reversed_at__isnull=True).aggregate(t=Sum("amount_cents"))["t"] or 0
        if amount_cents <= 0 or amount_cents > min(card.balance_cents, booking.amount_cents - already):
            raise RedemptionError("Amount exceeds the card balance or what is left to pay.")
        card.balance_cents -= amount_cents
        card.save(update_fields=["balance_cents"])  # ok: DB004
        return GiftCardRedemption.objects.create(
            card=card, booking=booking, amount_cents=amount_cents, idempotency_key=idempotency_key
        )


def reverse_redemption(redemption_id: int) -> None:
    """Give the money back to the card, e.g. when the booking is cancelled."""
    with transaction.atomic():
        redemption = GiftCardRedemption.objects.select_for_update().get(pk=redemption_id)
        if redemption.reversed_at is not None:
            return
        GiftCard.objects.filter(pk=redemption.card_id).update(
            balance_cents=F("balance_cents") + redemption.amount_cents
        )
        redemption.reversed_at = timezone.now()
        redemption.save(update_fields=["reversed_at"])


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_card_email(card_id: int) -> None:
    card = GiftCard.objects.select_related("purchaser").get(pk=card_id)
    sender = card.purchaser.get_full_name() if card.purchaser else "Someone"
    send_mail(
        "A glassblowing gift card for you",
        f"{sender} sent you a gift card worth ${card.initial_cents / 100:.2f}.\n"
        f"Your code: {card.code}\n\n{card.message}",
        settings.STUDIO_FROM_EMAIL,
        [card.recipient_email],
    )
    logger.info("gift card email sent for card %s", card.masked_code())
