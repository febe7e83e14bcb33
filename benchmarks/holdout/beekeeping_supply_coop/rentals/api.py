"""JSON endpoints used by the market-stall tablet to book extractors on a member's behalf."""
import datetime
import json
import logging

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rentals.models import Extractor, ExtractorBooking

logger = logging.getLogger(__name__)

MAX_DAYS = 3
PAGE_SIZE = 50


def _booking_json(booking):
    return {
        "id": booking.pk,
        "extractor": booking.extractor.name,
        "member": booking.member.display_name,
        "start_day": booking.start_day.isoformat(),
        "end_day": booking.end_day.isoformat(),
    }


@login_required
@require_GET
def upcoming_bookings(request):
    queryset = (
        ExtractorBooking.objects.filter(status=ExtractorBooking.Status.CONFIRMED, end_day__gte=timezone.localdate())
        .select_related("extractor", "member")
        .order_by("start_day", "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    results = [_booking_json(booking) for booking in page.object_list]  # ok: DB001
    return JsonResponse({"results": results, "page": page.number, "pages": page.paginator.num_pages})


@login_required
@require_POST
def create_booking(request, extractor_id):
    try:
        body = json.loads(request.body)
        start = datetime.date.fromisoformat(body["start_day"])
        end = datetime.date.fromisoformat(body["end_day"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "start_day and end_day must be ISO dates"}, status=400)
    if end < start or (end - start).days + 1 > MAX_DAYS:
        return JsonResponse({"error": f"bookings run 1 to {MAX_DAYS} days"}, status=400)
    if start < timezone.localdate():
        return JsonResponse({"error": "start_day is in the past"}, status=400)

    member = request.user.member
    with transaction.atomic():
        # Lock the extractor row so two tablets can't both pass the overlap check.
        extractor = Extractor.objects.select_for_update().filter(pk=extractor_id, in_service=True).first()
        if extractor is None:
            return JsonResponse({"error": "no such extractor"}, status=404)
        clash = ExtractorBooking.objects.filter(  # ok: DB005
            extractor=extractor,
            status=ExtractorBooking.Status.CONFIRMED,
            start_day__lte=end,
            end_day__gte=start,
        ).exists()
        if clash:
            return JsonResponse({"error": "already booked for some of those days"}, status=409)
        booking = ExtractorBooking.objects.create(
            extractor=extractor,
            member=member,
            start_day=start,
            end_day=end,
            deposit_pence=extractor.deposit_pence,
            status=ExtractorBooking.Status.CONFIRMED,
        )

    logger.info("tablet booking %s: extractor %s for member %s", booking.pk, extractor.pk, member.pk)
    return JsonResponse(
        {"id": booking.pk, "start_day": start.isoformat(), "end_day": end.isoformat(), "deposit_pence": booking.deposit_pence},
        status=201,
    )
