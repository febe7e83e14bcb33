"""Deposit refunds when the studio cancels or an artist reschedules."""
import logging

import stripe
from django.contrib.admin.views.decorators import staff_member_required
from django.db import transaction
from django.db.models import F, Sum
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from bookings.models import Booking, Deposit, DepositRefund

logger = logging.getLogger(__name__)


class RefundNotAllowed(Exception):
    pass


def refund_deposit(deposit_id: int, amount_cents: int, reason: str) -> DepositRefund:
    """Refund up to the unrefunded part of a deposit.

    The deposit row stays locked while Stripe is called, so two staff members
    pressing "refund" together cannot both pass the remaining-amount check, and
    the idempotency key makes a retried request return the first refund.
    """
    if amount_cents <= 0:
        raise RefundNotAllowed("amount must be positive")

    with transaction.atomic():
        deposit = Deposit.objects.select_for_update().get(pk=deposit_id)
        already = deposit.refunds.aggregate(total=Sum("amount_cents"))["total"] or 0
        if already + amount_cents > deposit.amount_cents:  # ok: DB005
            raise RefundNotAllowed(f"only {deposit.amount_cents - already} left to refund")

        refund = stripe.Refund.create(  # ok: REL003
            payment_intent=deposit.stripe_payment_intent,
            amount=amount_cents,
            metadata={"deposit_id": deposit.id, "reason": reason[:200]},
            idempotency_key=f"deposit-refund-{deposit.id}-{already}-{amount_cents}",
        )
        record, _ = DepositRefund.objects.get_or_create(
            stripe_refund_id=refund.id,
            defaults={"deposit": deposit, "amount_cents": amount_cents, "reason": reason[:200]},
        )
        Booking.objects.filter(pk=deposit.booking_id).update(
            deposit_paid_cents=F("deposit_paid_cents") - amount_cents  # ok: DB004
        )
    logger.info("deposit refunded deposit=%s refund=%s amount=%s", deposit.id, refund.id, amount_cents)
    return record


@staff_member_required
@require_POST
def refund_deposit_view(request, deposit_id):
    try:
        amount = int(request.POST.get("amount_cents", "0"))
    except ValueError:
        return JsonResponse({"error": "amount_cents must be a whole number"}, status=400)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        return JsonResponse({"error": "A reason is required."}, status=400)

    try:
        record = refund_deposit(deposit_id, amount, reason)
    except Deposit.DoesNotExist:
        return JsonResponse({"error": "Deposit not found."}, status=404)
    except RefundNotAllowed as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except stripe.error.StripeError as exc:
        logger.warning("stripe refused refund deposit=%s: %s", deposit_id, exc.user_message, exc_info=True)
        return JsonResponse({"error": "Stripe could not process the refund."}, status=502)

    return JsonResponse({"refund_id": record.stripe_refund_id, "amount_cents": record.amount_cents})
