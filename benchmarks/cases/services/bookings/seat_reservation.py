"""Seat reservation view for event bookings: picks a seat and creates the booking."""
import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import Booking, Event, Seat

logger = logging.getLogger(__name__)


@require_POST
@login_required
def reserve_seat(request, event_id, seat_id):
    event = get_object_or_404(Event, pk=event_id, on_sale=True)
    seat = get_object_or_404(Seat, pk=seat_id, event=event)

    if not seat.is_available:  # expect: DB005
        return JsonResponse({"error": "seat_taken"}, status=409)
    if event.remaining_seats <= 0:  # expect: DB005
        return JsonResponse({"error": "sold_out"}, status=409)

    seat.is_available = False
    seat.held_by = request.user
    seat.save(update_fields=["is_available", "held_by"])
    event.remaining_seats -= 1  # expect: DB004
    event.save(update_fields=["remaining_seats"])

    booking = Booking.objects.create(event=event, seat=seat, customer=request.user, status="reserved")
    logger.info("seat %s reserved for user %s (booking %s)", seat.label, request.user.pk, booking.pk)
    return JsonResponse({"booking_id": booking.pk, "seat": seat.label, "status": booking.status}, status=201)
