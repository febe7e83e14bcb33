"""Stripe charges: visitor berth deposits and monthly winter-contract payments."""
import logging

import stripe
from django.conf import settings

from .models import BerthBooking, ContractCharge

log = logging.getLogger(__name__)

DEPOSIT_PERCENT = 25
MIN_DEPOSIT_PENCE = 1000


def deposit_amount(booking):
    return max(booking.total_pence * DEPOSIT_PERCENT // 100, MIN_DEPOSIT_PENCE)


def create_booking_deposit(booking):
    """Create (or fetch again, on a repeated click) the deposit PaymentIntent for a held booking."""
    intent = stripe.PaymentIntent.create(  # ok: REL003
        api_key=settings.STRIPE_SECRET_KEY,
        amount=deposit_amount(booking),
        currency="gbp",
        automatic_payment_methods={"enabled": True},
        metadata={"kind": "berth_deposit", "booking_id": str(booking.pk)},
        idempotency_key=f"berth-deposit-{booking.pk}-{deposit_amount(booking)}",
    )
    BerthBooking.objects.filter(pk=booking.pk, payment_intent_id="").update(payment_intent_id=intent.id)
    log.info("deposit intent %s for booking %s", intent.id, booking.pk)
    return intent.client_secret


def charge_contract_period(contract, period):
    """Charge one month of a winter contract at most once; returns the charge status."""
    charge, _ = ContractCharge.objects.get_or_create(  # ok: DB005
        contract=contract, period=period, defaults={"amount_pence": contract.monthly_pence}
    )
    if charge.status in ("paid", "processing"):
        return charge.status

    try:
        intent = stripe.PaymentIntent.create(  # ok: REL003
            api_key=settings.STRIPE_SECRET_KEY,
            amount=charge.amount_pence,
            currency="gbp",
            customer=contract.stripe_customer_id,
            payment_method=contract.stripe_payment_method_id,
            off_session=True,
            confirm=True,
            metadata={"kind": "winter_contract", "contract_id": str(contract.pk), "period": period},
            idempotency_key=f"winter-contract-{contract.pk}-{period}",
        )
    except stripe.CardError as exc:
        intent_id = (exc.error.payment_intent or {}).get("id", "") if exc.error else ""
        log.warning("card declined for contract %s period %s (%s)", contract.pk, period, exc.code)
        ContractCharge.objects.filter(pk=charge.pk).update(status="failed", payment_intent_id=intent_id)
        return "failed"

    new_status = "paid" if intent.status == "succeeded" else "processing"
    ContractCharge.objects.filter(pk=charge.pk).update(status=new_status, payment_intent_id=intent.id)
    log.info("contract %s period %s charged: %s (%s)", contract.pk, period, intent.id, new_status)
    return new_status
