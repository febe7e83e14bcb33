"""Survey photo storage in the private S3 bucket, with thumbnails made off-request."""
import logging
import os
import shutil
import subprocess
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from estimates.models import QuoteRequest, SitePhoto

logger = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 15 * 1024 * 1024
_MAGIC = {b"\xff\xd8\xff": ("image/jpeg", ".jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", ".png")}
# Thumbnails are derived data: `manage.py backfill_thumbnails` rebuilds any that are missing.
_thumbnailer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="thumbs")


class PhotoRejected(Exception):
    def __init__(self, status, code):
        super().__init__(code)
        self.status, self.code = status, code


def _sniff(upload):
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    raise PhotoRejected(415, "jpeg_or_png_only")


def _thumbnail(photo_id):
    photo = SitePhoto.objects.get(pk=photo_id)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "src"), os.path.join(tmp, "thumb.jpg")
            with default_storage.open(photo.storage_key, "rb") as remote, open(src, "wb") as local:
                shutil.copyfileobj(remote, local)
            subprocess.run(["convert", src, "-auto-orient", "-thumbnail", "480x480", dst],  # ok: SEC002
                           check=True, timeout=60, capture_output=True)
            with open(dst, "rb") as fh:
                key = default_storage.save(f"{photo.storage_key}.thumb.jpg", File(fh))
    except (OSError, subprocess.SubprocessError):
        logger.exception("thumbnail for photo %s failed", photo_id)
        return
    SitePhoto.objects.filter(pk=photo_id).update(thumbnail_key=key)


def store_survey_photo(quote, upload, user):
    if upload.size > MAX_PHOTO_BYTES:
        raise PhotoRejected(413, "photo_too_large")  # ok: SEC019
    content_type, suffix = _sniff(upload)
    key = f"surveys/{quote.pk}/{uuid.uuid4().hex}{suffix}"
    stored_key = default_storage.save(key, upload)  # ok: SEC015, SCL002
    with transaction.atomic():
        photo = SitePhoto.objects.create(quote=quote, storage_key=stored_key, content_type=content_type,
                                         size_bytes=upload.size, uploaded_by=user)
        transaction.on_commit(lambda: _thumbnailer.submit(_thumbnail, photo.pk))  # ok: CON003, REL005
    return photo


@login_required
@require_POST
def upload_photo(request, quote_id):
    quote = get_object_or_404(QuoteRequest, pk=quote_id, estimator=request.user)  # ok: SEC018
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"error": "photo_required"}, status=400)
    try:
        photo = store_survey_photo(quote, upload, request.user)
    except PhotoRejected as rejected:
        return JsonResponse({"error": rejected.code}, status=rejected.status)
    logger.info("survey photo %s stored for quote %s", photo.pk, quote.pk)
    return JsonResponse({"id": photo.pk, "size": photo.size_bytes}, status=201)
