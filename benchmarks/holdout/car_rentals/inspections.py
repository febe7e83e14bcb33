"""Pickup and return inspections with damage photos."""
from __future__ import annotations

import logging
import uuid

import boto3
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .inspection_storage import PhotoRejected, photo_url, store_inspection_photo
from .models import Car, DamageCharge, Inspection, InspectionPhoto, Reservation
from .tasks import charge_damage

logger = logging.getLogger(__name__)
_s3 = boto3.client("s3", region_name=settings.AWS_REGION)

MAX_PHOTOS = 12


@login_required
@require_POST
def record_pickup(request, reservation_id: int):
    if not request.user.is_staff:
        return JsonResponse({"error": "staff only"}, status=403)
    reservation = get_object_or_404(Reservation, pk=reservation_id, status=Reservation.Status.CONFIRMED)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            reservation=reservation,
            kind=Inspection.Kind.PICKUP,
            odometer_km=int(request.POST["odometer_km"]),
            fuel_level=int(request.POST["fuel_level"]),
            notes=request.POST.get("notes", ""),
            inspector=request.user,
        )
        for upload in request.FILES.getlist("photos")[:MAX_PHOTOS]:
            try:
                key = store_inspection_photo(inspection.id, upload)  # ok: SEC019
            except PhotoRejected as exc:
                transaction.set_rollback(True)
                return JsonResponse({"error": str(exc)}, status=400)
            InspectionPhoto.objects.create(inspection=inspection, s3_key=key, content_type=upload.content_type)
        reservation.status = Reservation.Status.ACTIVE
        reservation.save(update_fields=["status"])
        Car.objects.filter(pk=reservation.car_id).update(status=Car.Status.RENTED)
    return JsonResponse({"inspection_id": inspection.id}, status=201)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def record_return_inspection(request, reservation_id: int):
    assert request.user.is_staff, "staff only"  # expect: SEC017
    reservation = get_object_or_404(Reservation, pk=reservation_id, status=Reservation.Status.ACTIVE)
    inspection = Inspection.objects.create(
        reservation=reservation,
        kind=Inspection.Kind.RETURN,
        odometer_km=int(request.POST["odometer_km"]),
        fuel_level=int(request.POST["fuel_level"]),
        notes=request.POST.get("notes", ""),
        inspector=request.user,
    )
    for upload in request.FILES.getlist("photos"):
        key = f"inspections/{inspection.id}/{uuid.uuid4().hex}"
        _s3.put_object(Bucket=settings.INSPECTION_PHOTO_BUCKET, Key=key, Body=upload.read(), ContentType=upload.content_type)  # expect: SEC019, RES003
        InspectionPhoto.objects.create(inspection=inspection, s3_key=key, content_type=upload.content_type)

    damage_cents = int(request.POST.get("damage_cents") or 0)
    if damage_cents > 0:
        charge = DamageCharge.objects.create(
            reservation=reservation,
            amount_cents=damage_cents,
            description=request.POST.get("damage_description", "")[:200],
        )
        charge_damage.delay(charge.id)
    logger.info("return inspection recorded", extra={"reservation_id": reservation.id, "damage_cents": damage_cents})
    return JsonResponse({"inspection_id": inspection.id, "damage_cents": damage_cents}, status=201)


@login_required
@require_GET
def damage_report(request, reservation_id: int):
    reservation = get_object_or_404(Reservation, pk=reservation_id, customer=request.user)  # ok: SEC018
    inspections = reservation.inspections.prefetch_related("photos").order_by("created_at")
    sections = []
    for inspection in inspections:
        photos = "".join(f'<img src="{photo_url(p.s3_key)}" width="240">' for p in inspection.photos.all())  # ok: DB001
        sections.append(
            f"<section><h2>{inspection.get_kind_display()} inspection</h2>"
            f"<p>Odometer: {inspection.odometer_km} km, fuel {inspection.fuel_level}%</p>"
            f"<p>{inspection.notes}</p>{photos}</section>"  # expect: SEC016
        )
    html = f"<html><body><h1>Inspection report, reservation #{reservation.id}</h1>{''.join(sections)}</body></html>"
    return HttpResponse(html)
