"""Inspection photo uploads (v2 endpoint used by the current field app).

Files go to the S3 bucket behind ``default_storage``; the key is generated
here, never taken from the client, and the bytes are checked to really be an
image of an allowed format before anything is stored.
"""
import logging
import os
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from .models import Inspection, InspectionPhoto

log = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
                   "WEBP": ("webp", "image/webp")}
MAX_PHOTOS_PER_INSPECTION = 12


class PhotoRejected(ValueError):
    pass


def _sniff_format(upload) -> str:
    try:
        with Image.open(upload) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError) as exc:
        raise PhotoRejected("That file is not a readable image.") from exc
    finally:
        upload.seek(0)
    if fmt not in ALLOWED_FORMATS:
        raise PhotoRejected("Photos must be JPEG, PNG or WebP.")
    return fmt


def store_inspection_photo(inspection: Inspection, upload) -> InspectionPhoto:
    if upload.size > settings.MAX_INSPECTION_PHOTO_BYTES:
        raise PhotoRejected("Photos must be 8 MB or smaller.")
    if inspection.photos.count() >= MAX_PHOTOS_PER_INSPECTION:
        raise PhotoRejected("This inspection already has the maximum number of photos.")
    ext, content_type = ALLOWED_FORMATS[_sniff_format(upload)]
    key = os.path.join("inspections", str(inspection.pk), f"{uuid.uuid4().hex}.{ext}")  # ok: SEC015
    stored_name = default_storage.save(key, upload)  # ok: SCL002
    return InspectionPhoto.objects.create(
        inspection=inspection,
        image=stored_name,
        content_type=content_type,
        size_bytes=upload.size,
    )


@login_required
@require_POST
def add_photo(request, pk: int):
    inspection = get_object_or_404(Inspection, pk=pk, hive__apiary__member__user=request.user)
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"error": "photo is required"}, status=400)
    try:
        photo = store_inspection_photo(inspection, upload)
    except PhotoRejected as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    log.info("photo %s stored for inspection %s by user %s", photo.pk, inspection.pk,
             request.user.pk)
    return JsonResponse({"id": photo.pk, "url": default_storage.url(photo.image.name)},
                        status=201)
