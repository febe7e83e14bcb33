"""Booking confirmation: charges the held booking and emails the ticket."""
import logging
import os

import stripe
from django.contrib.auth.decorators import login_required
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Booking, Payment
from .tickets import render_ticket_pdf

logger = logging.getLogger(__name__)

stripe.api_key = os.environ.get("STRIPE_SECRET_KEY", "")


@require_POST
@login_required
def confirm_booking(request, booking_id):
    booking = get_object_or_404(Booking, pk=booking_id, customer=request.user, status="held")
    if booking.seat.held_until < timezone.now():
        return JsonResponse({"error": "hold_expired"}, status=410)

    charge = stripe.PaymentIntent.create(  # expect: REL004
        amount=booking.event.price_cents,
        currency=booking.event.currency,
        customer=request.user.profile.stripe_customer_id,
        payment_method=request.POST["payment_method_id"],
        confirm=True,
        idempotency_key=f"booking-{booking.pk}",
    )

    with transaction.atomic():
        Payment.objects.create(booking=booking, intent_id=charge.id, amount_cents=charge.amount)
        booking.status = "confirmed"
        booking.confirmed_at = timezone.now()
        booking.save(update_fields=["status", "confirmed_at"])
        email = EmailMessage(
            subject=f"Your ticket for {booking.event.title}",
            body=f"Seat {booking.seat.label}. See you there!",
            to=[request.user.email],
        )
        email.attach(f"ticket-{booking.pk}.pdf", render_ticket_pdf(booking), "application/pdf")
        email.send()  # expect: REL004

    logger.info("booking %s confirmed (intent %s)", booking.pk, charge.id)
    return JsonResponse({"booking_id": booking.pk, "status": booking.status})
