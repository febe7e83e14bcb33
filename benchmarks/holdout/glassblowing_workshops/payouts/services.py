"""Payout settlement used by the finance screen in the admin.

The amount is moved out of the instructor's pending balance and into a Payout
row in one locked transaction, before any money moves. The Stripe transfer is
keyed on the Payout id, so pressing "retry" on a failed payout, or running the
retry job twice, can only ever send that payout once.
"""
import datetime as dt
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from workshops.models import Instructor, Payout

logger = logging.getLogger(__name__)
stripe.api_key = settings.STRIPE_SECRET_KEY

MIN_PAYOUT_CENTS = 2000


def open_payout(instructor_id: int, period_end: dt.date) -> Payout | None:
    """Reserve the instructor's pending balance as a pending Payout."""
    try:
        with transaction.atomic():
            instructor = Instructor.objects.select_for_update().get(pk=instructor_id)
            amount = instructor.pending_payout_cents
            if amount < MIN_PAYOUT_CENTS or not instructor.stripe_account_id:
                return None
            payout = Payout.objects.create(
                instructor=instructor, amount_cents=amount, period_end=period_end, status="pending"
            )
            Instructor.objects.filter(pk=instructor.pk).update(  # ok: DB004
                pending_payout_cents=F("pending_payout_cents") - amount
            )
            return payout
    except IntegrityError:
        logger.info("instructor %s already has a payout for %s", instructor_id, period_end)
        return None


def send_payout(payout_id: int) -> Payout:
    payout = Payout.objects.select_related("instructor").get(pk=payout_id)
    if payout.status == "paid":
        return payout
    try:
        transfer = stripe.Transfer.create(  # ok: REL003
            amount=payout.amount_cents,
            currency="usd",
            destination=payout.instructor.stripe_account_id,
            metadata={"payout_id": payout.pk, "instructor_id": payout.instructor_id},
            idempotency_key=f"payout-{payout.pk}",
        )
    except stripe.error.StripeError:
        logger.exception("transfer for payout %s failed", payout.pk)
        Payout.objects.filter(pk=payout.pk, status="pending").update(status="failed")
        raise
    Payout.objects.filter(pk=payout.pk).update(status="paid", transfer_id=transfer.id)
    payout.refresh_from_db()
    logger.info("payout %s sent as transfer %s", payout.pk, transfer.id)
    return payout


def retry_failed(limit: int = 50) -> int:
    """Re-send failed payouts; the idempotency key makes a repeat a no-op at Stripe."""
    sent = 0
    for payout_id in Payout.objects.filter(status__in=["failed", "pending"]).order_by("pk").values_list("pk", flat=True)[:limit]:
        try:
            send_payout(payout_id)
            sent += 1
        except stripe.error.StripeError:
            continue
    return sent
