"""Seat hold view for event bookings: holds a seat for ten minutes while the customer pays."""
import logging
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Booking, Event, Seat

logger = logging.getLogger(__name__)

HOLD_MINUTES = 10


@require_POST
@login_required
def hold_seat(request, event_id, seat_id):
    event = get_object_or_404(Event, pk=event_id, on_sale=True)
    with transaction.atomic():
        seat = get_object_or_404(Seat.objects.select_for_update(), pk=seat_id, event=event)
        if not seat.is_available:  # ok: DB005
            return JsonResponse({"error": "seat_taken"}, status=409)

        taken = Event.objects.filter(pk=event.pk, remaining_seats__gt=0).update(remaining_seats=F("remaining_seats") - 1)  # ok: DB004
        if not taken:
            return JsonResponse({"error": "sold_out"}, status=409)

        seat.is_available = False
        seat.held_by = request.user
        seat.held_until = timezone.now() + timedelta(minutes=HOLD_MINUTES)
        seat.save(update_fields=["is_available", "held_by", "held_until"])
        booking = Booking.objects.create(event=event, seat=seat, customer=request.user, status="held")

    logger.info("seat %s held for user %s (booking %s)", seat.label, request.user.pk, booking.pk)
    return JsonResponse(
        {"booking_id": booking.pk, "seat": seat.label, "status": booking.status, "held_until": seat.held_until.isoformat()},
        status=201,
    )
