"""Donors book, list and cancel drop-off slots at a fridge."""
import json
import logging
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..models import Donor, DropOff, DropOffSlot, Fridge

logger = logging.getLogger(__name__)

BOOKING_HORIZON = timedelta(days=14)


@login_required
@require_GET
def upcoming_slots(request, fridge_slug):
    fridge = get_object_or_404(Fridge, slug=fridge_slug, is_active=True)
    now = timezone.now()
    slots = (
        DropOffSlot.objects.filter(fridge=fridge, starts_at__gte=now, starts_at__lt=now + BOOKING_HORIZON)
        .annotate(booked=Count("dropoffs", filter=Q(dropoffs__status=DropOff.Status.BOOKED)))
        .order_by("starts_at")[:100]
    )
    return JsonResponse(
        {
            "fridge": fridge.slug,
            "slots": [
                {
                    "id": s.pk,
                    "starts_at": s.starts_at.isoformat(),
                    "ends_at": s.ends_at.isoformat(),
                    "spaces_left": max(s.capacity - s.booked, 0),
                }
                for s in slots
            ],
        }
    )


@login_required
@require_POST
def book_slot(request, slot_id):
    donor = get_object_or_404(Donor, user=request.user)
    slot = get_object_or_404(DropOffSlot, pk=slot_id, starts_at__gt=timezone.now())
    try:
        notes = str(json.loads(request.body or b"{}").get("notes", ""))[:300]
    except ValueError:
        return JsonResponse({"error": "invalid_json"}, status=400)

    booked = DropOff.objects.filter(slot=slot, status=DropOff.Status.BOOKED).count()
    if booked >= slot.capacity:  # expect: DB005
        return JsonResponse({"error": "slot_full"}, status=409)

    try:
        dropoff = DropOff.objects.create(slot=slot, donor=donor, notes=notes)
    except IntegrityError:  # ok: DB005
        return JsonResponse({"error": "already_booked"}, status=409)

    logger.info("donor %s booked drop-off %s in slot %s", donor.pk, dropoff.pk, slot.pk)
    return JsonResponse({"id": dropoff.pk, "slot": slot.pk, "status": dropoff.status}, status=201)


@login_required
@require_GET
def my_dropoffs(request):
    dropoffs = (
        DropOff.objects.filter(donor__user=request.user)
        .select_related("slot__fridge")
        .order_by("-slot__starts_at")[:50]
    )
    return JsonResponse(
        {
            "dropoffs": [
                {
                    "id": d.pk,
                    "fridge": d.slot.fridge.name,
                    "starts_at": d.slot.starts_at.isoformat(),
                    "status": d.status,
                    "items": d.items_count,
                }
                for d in dropoffs
            ]
        }
    )


@login_required
@require_POST
def cancel_dropoff(request, dropoff_id):
    updated = DropOff.objects.filter(
        pk=dropoff_id, donor__user=request.user, status=DropOff.Status.BOOKED
    ).update(status=DropOff.Status.CANCELLED)
    if not updated:
        return JsonResponse({"error": "not_cancellable"}, status=409)
    logger.info("user %s cancelled drop-off %s", request.user.pk, dropoff_id)
    return JsonResponse({"id": dropoff_id, "status": DropOff.Status.CANCELLED})
