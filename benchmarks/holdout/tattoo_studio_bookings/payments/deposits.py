"""Taking the booking deposit with Stripe."""
import logging

import stripe
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from bookings.models import Booking, Deposit

logger = logging.getLogger(__name__)

stripe.api_key = settings.STRIPE_SECRET_KEY


def _stripe_customer(client) -> str:
    if client.stripe_customer_id:
        return client.stripe_customer_id
    customer = stripe.Customer.create(
        email=client.email,
        name=client.name,
        metadata={"client_id": client.id},
        idempotency_key=f"client-{client.id}",
    )
    client.stripe_customer_id = customer.id
    client.save(update_fields=["stripe_customer_id"])
    return customer.id


@login_required
@require_POST
def pay_deposit(request, booking_id):
    booking = get_object_or_404(
        Booking.objects.select_related("artist", "client"), pk=booking_id, client__user=request.user
    )
    if booking.status != Booking.Status.PENDING_DEPOSIT:
        return JsonResponse({"error": "This booking does not need a deposit."}, status=409)

    payment_method = request.POST.get("payment_method", "")
    if not payment_method.startswith("pm_"):
        return JsonResponse({"error": "A payment method is required."}, status=400)

    outstanding = booking.artist.deposit_cents - booking.deposit_paid_cents
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL003
            amount=outstanding,
            currency=settings.STUDIO_CURRENCY,
            customer=_stripe_customer(booking.client),
            payment_method=payment_method,
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            description=f"Deposit for booking #{booking.id} with {booking.artist.display_name}",
            metadata={"booking_id": booking.id},
        )
    except stripe.error.CardError as exc:
        logger.info("deposit card declined booking=%s code=%s", booking.id, exc.code)
        return JsonResponse({"error": exc.user_message or "Card declined."}, status=402)

    if intent.status != "succeeded":
        return JsonResponse({"error": "Payment needs further action.", "status": intent.status}, status=402)

    Deposit.objects.create(  # todo-expect: REL004
        booking=booking, stripe_payment_intent=intent.id, amount_cents=intent.amount, status=intent.status
    )
    booking.deposit_paid_cents = booking.deposit_paid_cents + intent.amount  # expect: DB004
    if booking.deposit_paid_cents >= booking.artist.deposit_cents:
        booking.status = Booking.Status.CONFIRMED
    booking.save(update_fields=["deposit_paid_cents", "status"])

    logger.info("deposit taken booking=%s intent=%s amount=%s", booking.id, intent.id, intent.amount)
    return JsonResponse({"booking": booking.id, "status": booking.status, "paid_cents": booking.deposit_paid_cents})
