"""Damage reports filed by families, with photos of the instrument."""
from __future__ import annotations

import logging
import threading
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from luthier.client import LuthierClient
from rentals.models import DamagePhoto, DamageReport, Rental
from rentals.schemas import DamageIn, DamageOut

logger = logging.getLogger(__name__)

router = Router(tags=["damage"])

MAX_PHOTOS = 6


def _notify_luthier(report_id: int) -> None:
    report = DamageReport.objects.select_related("rental__instrument").get(pk=report_id)
    reference = LuthierClient.from_settings().open_assessment(
        serial_number=report.rental.instrument.serial_number,
        description=report.description,
        severity=report.severity,
        external_ref=f"damage-{report.pk}",
    )
    logger.info("luthier assessment %s opened for damage report %s", reference, report_id)


@router.post("/rentals/{rental_id}/damage", response={201: DamageOut})
def report_damage(
    request,
    rental_id: int,
    payload: DamageIn = Form(...),
    photos: list[UploadedFile] = File(None),
):
    rental = get_object_or_404(Rental, pk=rental_id, student__guardian__user=request.user)  # ok: SEC018
    report = DamageReport.objects.create(
        rental=rental,
        reported_by=request.user,
        description=payload.description,
        severity=payload.severity,
    )
    for upload in (photos or [])[:MAX_PHOTOS]:
        data = upload.read()  # expect: SEC019
        name = default_storage.save(f"damage/{report.pk}/{uuid.uuid4().hex}", ContentFile(data))
        DamagePhoto.objects.create(report=report, storage_name=name, content_type=upload.content_type or "")
    if payload.severity != "cosmetic":
        threading.Thread(target=_notify_luthier, args=(report.pk,), daemon=True).start()  # expect: CON003, REL005
    logger.info("damage report %s filed for rental %s by user %s", report.pk, rental_id, request.user.pk)
    return 201, report


@router.get("/rentals/{rental_id}/damage", response=list[DamageOut])
@paginate(PageNumberPagination, page_size=20)
def list_damage(request, rental_id: int):
    rental = get_object_or_404(Rental, pk=rental_id, student__guardian__user=request.user)
    return rental.damage_reports.order_by("-created_at")


@router.post("/damage/{report_id}/withdraw")
def withdraw_damage(request, report_id: int):
    report = get_object_or_404(DamageReport, pk=report_id, rental__student__guardian__user=request.user)
    if report.repair_ticket_id is not None:
        return {"ok": False, "message": "A repair has already been booked for this report"}  # todo-expect: MNT001
    report.status = "withdrawn"
    report.save(update_fields=["status"])
    logger.info("damage report %s withdrawn by user %s", report_id, request.user.pk)
    return {"ok": True}


@router.get("/damage/{report_id}/photos")
def damage_photos(request, report_id: int):
    report = get_object_or_404(DamageReport, pk=report_id, rental__student__guardian__user=request.user)
    return [
        {"id": photo.pk, "url": default_storage.url(photo.storage_name), "content_type": photo.content_type}
        for photo in report.photos.all()[:MAX_PHOTOS]
    ]
