"""One-step checkout used by the mobile web booking flow."""
import json
import logging

import stripe
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bookings.holds import SoldOut, place_hold
from bookings.models import Booking, Trip
from notifications.outbox import enqueue_confirmation

log = logging.getLogger(__name__)


def _customer_for(user) -> str:
    profile = user.profile
    if not profile.stripe_customer_id:
        customer = stripe.Customer.create(  # ok: REL003
            api_key=settings.STRIPE_SECRET_KEY,
            email=user.email,
            metadata={"user_id": user.pk},
            idempotency_key=f"customer-{user.pk}",
        )
        profile.stripe_customer_id = customer.id
        profile.save(update_fields=["stripe_customer_id"])
    return profile.stripe_customer_id


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def pay_and_book(request, trip_id: int):
    try:
        data = json.loads(request.body)
        party = int(data.get("party_size", 1))
        payment_method = str(data["payment_method"])
        name, phone = str(data["passenger_name"])[:120], str(data["passenger_phone"])[:20]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "payment_method, passenger_name and passenger_phone are required"}, status=400)
    if not 1 <= party <= 6:
        return JsonResponse({"error": "party_size must be 1-6"}, status=400)

    trip = get_object_or_404(Trip, pk=trip_id, status=Trip.SCHEDULED)
    amount = trip.fare_cents * party
    try:
        intent = stripe.PaymentIntent.create(  # expect: REL004, REL003
            api_key=settings.STRIPE_SECRET_KEY,
            amount=amount,
            currency="usd",
            customer=_customer_for(request.user),
            payment_method=payment_method,
            confirm=True,
            automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            metadata={"trip_id": trip.pk, "user_id": request.user.pk},
        )
    except stripe.error.CardError as exc:
        log.info("card declined for user %s on trip %s: %s", request.user.pk, trip.pk, exc.code)
        return JsonResponse({"error": exc.user_message or "card declined"}, status=402)

    try:
        booking = place_hold(trip.pk, request.user, party, name, phone,
                             flight_number=str(data.get("flight_number", "")).upper()[:8])
    except SoldOut:
        log.warning("trip %s sold out after charging intent %s", trip.pk, intent.id)
        return JsonResponse({"error": "this shuttle just sold out"}, status=409)

    Booking.objects.filter(pk=booking.pk).update(
        status=Booking.CONFIRMED, payment_intent_id=intent.id, hold_expires_at=None
    )
    enqueue_confirmation(booking.pk)
    log.info("user %s paid %s for booking %s (pi=%s)", request.user.pk, amount, booking.pk, intent.id)
    return JsonResponse({"booking_id": booking.pk, "status": Booking.CONFIRMED}, status=201)
