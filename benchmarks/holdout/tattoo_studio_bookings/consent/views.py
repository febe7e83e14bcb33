"""Clients upload their signed consent form (PDF or photo) before the session."""
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Booking, ConsentForm

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".heic"}


@login_required
@require_POST
def upload_consent_form(request, booking_id):
    booking = get_object_or_404(Booking, pk=booking_id, client__user=request.user)
    upload = request.FILES.get("form")
    if upload is None:
        return JsonResponse({"error": "Attach the signed form as 'form'."}, status=400)
    ext = os.path.splitext(upload.name)[1].lower()
    if ext not in ALLOWED_EXTENSIONS:
        return JsonResponse({"error": "Upload a PDF or a photo of the form."}, status=400)

    folder = os.path.join(settings.CONSENT_UPLOAD_DIR, str(booking.id))
    os.makedirs(folder, exist_ok=True)
    dest = os.path.join(folder, upload.name)  # expect: SEC015
    with open(dest, "wb") as fh:  # expect: SCL002
        fh.write(upload.read())  # expect: SEC019

    form, _ = ConsentForm.objects.update_or_create(
        booking=booking,
        defaults={
            "file_path": dest,
            "content_type": upload.content_type or "",
            "size_bytes": upload.size,
            "uploaded_at": timezone.now(),
        },
    )
    logger.info("consent form uploaded booking=%s size=%s", booking.id, upload.size)
    return JsonResponse({"booking": booking.id, "uploaded_at": form.uploaded_at.isoformat()}, status=201)


@login_required
@require_GET
def view_consent_form(request, booking_id):
    booking = get_object_or_404(Booking.objects.select_related("artist"), pk=booking_id)
    if booking.artist.user_id != request.user.id and not request.user.is_staff:
        return HttpResponseForbidden()
    try:
        form = booking.consent_form
    except ConsentForm.DoesNotExist:
        raise Http404("No consent form uploaded yet.")
    if not form.file_path or not os.path.exists(form.file_path):
        raise Http404("Consent form file missing.")
    return FileResponse(open(form.file_path, "rb"), content_type=form.content_type or "application/pdf")  # ok: RES001
