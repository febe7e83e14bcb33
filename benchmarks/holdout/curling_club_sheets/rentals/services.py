"""Stone rental bookings: reserve first, charge second, release on failure."""

import logging
from datetime import date

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import StoneRental, StoneSet

logger = logging.getLogger(__name__)


class RentalUnavailable(Exception):
    pass


class RentalPaymentFailed(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


def _reserve(member, stone_set: StoneSet, rent_date: date) -> StoneRental:
    try:
        with transaction.atomic():
            return StoneRental.objects.create(stone_set=stone_set, member=member, rent_date=rent_date, status="pending_payment", amount_cents=stone_set.daily_rate_cents)  # ok: DB005
    except IntegrityError:
        raise RentalUnavailable(f"{stone_set.name} is already out on {rent_date}") from None


def rent_stones(member, stone_set: StoneSet, rent_date: date) -> StoneRental:
    """Hold the stones (unique per set and day), then take payment for the hold."""
    rental = _reserve(member, stone_set, rent_date)
    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            amount=rental.amount_cents,
            currency=settings.CLUB_CURRENCY,
            customer=member.stripe_customer_id,
            payment_method=member.default_payment_method,
            off_session=True,
            confirm=True,
            description=f"Stone rental #{rental.pk}: {stone_set.name} on {rent_date}",
            metadata={"rental_id": rental.pk, "member_id": member.pk},
            idempotency_key=f"stone-rental-{rental.pk}",
            api_key=settings.STRIPE_SECRET_KEY,
        )
    except stripe.error.CardError as exc:
        _release(rental, "payment_failed")
        raise RentalPaymentFailed(exc.user_message or "Card declined") from exc
    except stripe.error.StripeError:
        # Outcome unknown: keep the hold; the webhook confirms or the sweep releases it.
        logger.exception("stone rental %s payment outcome unknown", rental.pk)
        raise

    StoneRental.objects.filter(pk=rental.pk, status="pending_payment").update(
        status="confirmed", payment_intent_id=intent.id, confirmed_at=timezone.now()
    )
    rental.refresh_from_db()
    logger.info("stone rental %s confirmed (intent %s)", rental.pk, intent.id)
    return rental


def _release(rental: StoneRental, status: str) -> None:
    StoneRental.objects.filter(pk=rental.pk, status="pending_payment").update(status=status)
    logger.info("stone rental %s released (%s)", rental.pk, status)


def cancel_rental(member, rental_id: int) -> bool:
    """Members may cancel their own unpaid holds; paid rentals go through the office."""
    updated = StoneRental.objects.filter(pk=rental_id, member=member, status="pending_payment").update(status="cancelled")
    if updated:
        logger.info("stone rental %s cancelled by member %s", rental_id, member.pk)
    return bool(updated)
