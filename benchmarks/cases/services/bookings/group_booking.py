"""Group bookings: reserves several seats at once for schools and companies."""
import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import Booking, Event, Seat

logger = logging.getLogger(__name__)

MAX_GROUP_SIZE = 40


def seats_left(event) -> int:
    return Seat.objects.filter(event=event, is_available=True).count()


def pick_seats(event, size: int):
    return list(Seat.objects.filter(event=event, is_available=True).order_by("row", "number")[:size])


@require_POST
@login_required
def book_group(request, event_id):
    event = get_object_or_404(Event, pk=event_id, on_sale=True, allows_groups=True)
    size = int(request.POST.get("size", "0"))
    if not 2 <= size <= MAX_GROUP_SIZE:
        return JsonResponse({"error": f"group size must be between 2 and {MAX_GROUP_SIZE}"}, status=400)

    if seats_left(event) < size:  # expect: DB005
        return JsonResponse({"error": "not_enough_seats"}, status=409)

    with transaction.atomic():
        seats = pick_seats(event, size)
        Seat.objects.filter(pk__in=[s.pk for s in seats]).update(is_available=False, held_by=request.user)
        bookings = Booking.objects.bulk_create(
            [Booking(event=event, seat=seat, customer=request.user, status="reserved", group_size=size) for seat in seats]
        )
    logger.info("group of %s booked for event %s by user %s", size, event.pk, request.user.pk)
    return JsonResponse({"booking_ids": [b.pk for b in bookings], "seats": [s.label for s in seats]}, status=201)
