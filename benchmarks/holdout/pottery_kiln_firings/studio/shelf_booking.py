"""Members book shelf space in an upcoming firing, and can cancel before loading."""
import json
import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Firing, Shelf, ShelfBooking

logger = logging.getLogger(__name__)

FEE_PER_CM_PENCE = 12
HIGH_FIRE_CONE = 10
MIN_BOOKING_CM = 5


def _fee_for(firing, width_cm):
    fee = width_cm * FEE_PER_CM_PENCE
    if firing.cone >= HIGH_FIRE_CONE:
        fee = int(fee * 1.25)
    return fee


@login_required
@require_GET
def firing_shelves(request, firing_id):
    firing = get_object_or_404(Firing.objects.select_related("kiln"), pk=firing_id)
    shelves = firing.shelves.order_by("position").values("position", "width_cm", "free_cm")
    return JsonResponse({
        "firing": firing.pk,
        "kiln": firing.kiln.name,
        "cone": firing.cone,
        "status": firing.status,
        "shelves": list(shelves),
    })


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def book_shelf_space(request, firing_id):
    try:
        body = json.loads(request.body)
        width_cm = int(body["width_cm"])
        pieces = int(body.get("pieces", 1))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "width_cm is required"}, status=400)
    if width_cm < MIN_BOOKING_CM or pieces < 1:
        return JsonResponse({"error": f"Book at least {MIN_BOOKING_CM} cm"}, status=400)

    firing = get_object_or_404(Firing, pk=firing_id, status="open")
    shelf = firing.shelves.filter(free_cm__gte=width_cm).order_by("position").first()
    if shelf is None:
        return JsonResponse({"error": "No shelf has that much space left"}, status=409)

    with transaction.atomic():
        shelf.free_cm -= width_cm  # expect: DB004
        shelf.save(update_fields=["free_cm"])
        booking = ShelfBooking.objects.create(
            shelf=shelf,
            member=request.user.member,
            width_cm=width_cm,
            pieces=pieces,
            fee_pence=_fee_for(firing, width_cm),
        )
    logger.info("shelf booking created")  # expect: OBS003
    return JsonResponse(
        {"booking": booking.pk, "shelf": shelf.position, "fee_pence": booking.fee_pence},
        status=201,
    )


@login_required
@require_GET
def shelf_booking_detail(request, booking_id):
    booking = get_object_or_404(ShelfBooking.objects.select_related("shelf__firing__kiln"), pk=booking_id)  # expect: SEC018
    return JsonResponse({
        "booking": booking.pk,
        "firing": booking.shelf.firing.title,
        "kiln": booking.shelf.firing.kiln.name,
        "shelf": booking.shelf.position,
        "width_cm": booking.width_cm,
        "pieces": booking.pieces,
        "fee_pence": booking.fee_pence,
    })


@login_required
@require_POST
def cancel_shelf_booking(request, booking_id):
    booking = get_object_or_404(
        ShelfBooking.objects.select_related("shelf__firing"), pk=booking_id, member__user=request.user
    )
    if booking.shelf.firing.status != "open":
        return JsonResponse({"error": "The kiln is already being loaded"}, status=409)
    with transaction.atomic():
        Shelf.objects.filter(pk=booking.shelf_id).update(free_cm=F("free_cm") + booking.width_cm)  # ok: DB004
        booking.delete()
    logger.info("member %s cancelled shelf booking %s", request.user.member.pk, booking_id)
    return JsonResponse({"cancelled": booking_id})
