"""Consent form uploads from the studio's mobile app (v2 endpoint).

Files go to the media bucket under a generated name; the client's filename is
only kept as metadata for display.
"""
import logging
import uuid

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.models import Booking, ConsentForm

logger = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}


class InvalidUpload(Exception):
    pass


def _sniff(upload) -> tuple[str, str]:
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    raise InvalidUpload("Only PDF, JPEG or PNG files are accepted.")


def store_consent_form(booking: Booking, upload) -> ConsentForm:
    if upload.size > MAX_BYTES:  # ok: SEC019
        raise InvalidUpload("The file is larger than 8 MB.")
    ext, content_type = _sniff(upload)
    key = f"consent/{booking.id}/{uuid.uuid4().hex}.{ext}"
    saved_key = default_storage.save(key, upload)  # ok: SEC015, SCL002
    form, _ = ConsentForm.objects.update_or_create(
        booking=booking,
        defaults={
            "file_path": saved_key,
            "content_type": content_type,
            "size_bytes": upload.size,
            "uploaded_at": timezone.now(),
        },
    )
    return form


@login_required
@require_POST
def api_upload_consent_form(request, booking_id):
    booking = get_object_or_404(Booking, pk=booking_id, client__user=request.user)
    upload = request.FILES.get("form")
    if upload is None:
        return JsonResponse({"error": "Attach the signed form as 'form'."}, status=400)
    try:
        form = store_consent_form(booking, upload)
    except InvalidUpload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    logger.info("consent form stored booking=%s key=%s size=%s", booking.id, form.file_path, form.size_bytes)
    return JsonResponse(
        {"booking": booking.id, "uploaded_at": form.uploaded_at.isoformat(), "original_name": upload.name[:100]},
        status=201,
    )
