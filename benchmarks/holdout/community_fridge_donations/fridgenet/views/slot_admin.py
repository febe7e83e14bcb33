"""Coordinators open drop-off slots for their fridges and resize them."""
import json
import logging
from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..models import DropOff, DropOffSlot, Fridge

logger = logging.getLogger(__name__)

SLOT_LENGTH = timedelta(minutes=30)
MAX_SLOTS_PER_DAY = 16
MAX_CAPACITY = 20


def _week_of_slots(fridge, monday, day_start, slots_per_day, capacity):
    tz = timezone.get_current_timezone()
    for offset in range(7):
        day = monday + timedelta(days=offset)
        start = timezone.make_aware(datetime.combine(day, day_start), tz)
        for n in range(slots_per_day):
            begins = start + n * SLOT_LENGTH
            yield DropOffSlot(fridge=fridge, starts_at=begins, ends_at=begins + SLOT_LENGTH, capacity=capacity)


@login_required
@require_POST
def open_week(request, fridge_slug):
    fridge = get_object_or_404(Fridge, slug=fridge_slug, coordinator=request.user)
    try:
        payload = json.loads(request.body or b"{}")
        monday = datetime.strptime(payload["week_of"], "%Y-%m-%d").date()
        day_start = time.fromisoformat(payload.get("day_start", "10:00"))
        slots_per_day = int(payload.get("slots_per_day", 8))
        capacity = int(payload.get("capacity", 4))
    except (KeyError, TypeError, ValueError):
        return JsonResponse({"error": "invalid_request"}, status=400)
    if monday.weekday() != 0 or not 0 < slots_per_day <= MAX_SLOTS_PER_DAY or not 0 < capacity <= MAX_CAPACITY:
        return JsonResponse({"error": "invalid_request"}, status=400)

    slots = list(_week_of_slots(fridge, monday, day_start, slots_per_day, capacity))
    with transaction.atomic():
        created = DropOffSlot.objects.bulk_create(slots, ignore_conflicts=True)  # ok: DB003
    logger.info("coordinator %s opened %d slots at %s for week %s", request.user.pk, len(created), fridge.slug, monday)
    return JsonResponse({"requested": len(slots)}, status=201)


@login_required
@require_POST
def resize_slot(request, slot_id):
    try:
        new_capacity = int(json.loads(request.body or b"{}")["capacity"])
    except (KeyError, TypeError, ValueError):
        return JsonResponse({"error": "invalid_request"}, status=400)
    if not 0 <= new_capacity <= MAX_CAPACITY:
        return JsonResponse({"error": "invalid_request"}, status=400)

    with transaction.atomic():
        slot = get_object_or_404(
            DropOffSlot.objects.select_for_update(), pk=slot_id, fridge__coordinator=request.user
        )
        booked = slot.dropoffs.filter(status=DropOff.Status.BOOKED).count()
        if new_capacity < booked:  # ok: DB005
            return JsonResponse({"error": "below_current_bookings", "booked": booked}, status=409)
        slot.capacity = new_capacity
        slot.save(update_fields=["capacity"])

    logger.info("coordinator %s resized slot %s to %d", request.user.pk, slot.pk, new_capacity)
    return JsonResponse({"id": slot.pk, "capacity": new_capacity, "booked": booked})


@login_required
@require_POST
def close_slot(request, slot_id):
    """Cancel a slot's future bookings, e.g. when the fridge is being repaired."""
    with transaction.atomic():
        slot = get_object_or_404(
            DropOffSlot.objects.select_for_update(), pk=slot_id, fridge__coordinator=request.user
        )
        cancelled = slot.dropoffs.filter(status=DropOff.Status.BOOKED).update(status=DropOff.Status.CANCELLED)
        slot.capacity = 0
        slot.save(update_fields=["capacity"])
    logger.info("coordinator %s closed slot %s, %d bookings cancelled", request.user.pk, slot.pk, cancelled)
    return JsonResponse({"id": slot.pk, "cancelled_bookings": cancelled})
