"""Technician dashboard views (session login, used from the tablet web app)."""
import json
import logging

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from scheduling.models import Booking, Technician

logger = logging.getLogger(__name__)


def _stop_for(booking):
    customer = booking.customer
    piano = booking.piano
    return {
        "booking_id": booking.pk,
        "starts_at": booking.slot.starts_at.isoformat(),
        "customer": customer.user.get_full_name(),
        "phone": customer.phone,
        "address": f"{customer.address_line}, {customer.city} {customer.postcode}",
        "piano": f"{piano.make} {piano.model_name}".strip(),
        "kind": piano.kind,
        "notes": booking.notes,
    }


@login_required
@require_GET
def my_day(request):
    technician = request.user.technician
    day = parse_date(request.GET.get("date", "")) or timezone.localdate()
    bookings = Booking.objects.filter(
        slot__technician=technician,
        slot__starts_at__date=day,
        status=Booking.Status.CONFIRMED,
    ).order_by("slot__starts_at")

    stops = []
    for booking in bookings:
        stops.append(_stop_for(booking))  # expect: DB001
    return JsonResponse({"date": day.isoformat(), "stops": stops})


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def complete_job(request, booking_id):
    technician = request.user.technician
    booking = get_object_or_404(Booking, pk=booking_id, slot__technician=technician)
    done = Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).update(
        status=Booking.Status.COMPLETED, completed_at=timezone.now()
    )
    if not done:
        return JsonResponse({"error": "booking is not open"}, status=409)

    technician.completed_jobs += 1
    technician.save(update_fields=["completed_jobs"])  # expect: DB004
    logger.info("technician %s completed booking %s", technician.pk, booking.pk)
    return JsonResponse({"ok": True, "completed_jobs": technician.completed_jobs})


@login_required
@require_POST
def rate_visit(request, booking_id):
    try:
        payload = json.loads(request.body or b"{}")
        score = int(payload.get("score"))
    except (ValueError, TypeError, AttributeError):
        return HttpResponseBadRequest("score must be a number")
    assert 1 <= score <= 5, "score out of range"  # expect: SEC017

    booking = get_object_or_404(
        Booking, pk=booking_id, customer=request.user.customer, status=Booking.Status.COMPLETED
    )
    first_rating = Booking.objects.filter(pk=booking.pk, rated_at__isnull=True).update(rated_at=timezone.now())  # ok: DB005
    if not first_rating:
        return JsonResponse({"error": "visit already rated"}, status=409)

    Technician.objects.filter(slots__bookings=booking).update(  # ok: DB004
        rating_total=F("rating_total") + score, rating_count=F("rating_count") + 1
    )
    logger.info("booking %s rated %s by customer %s", booking.pk, score, booking.customer_id)
    return JsonResponse({"ok": True})
