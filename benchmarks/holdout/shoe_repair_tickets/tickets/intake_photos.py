"""Photos of the shoes taken at intake, so nobody argues later about pre-existing scuffs."""
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from tickets.models import IntakePhoto, RepairTicket

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = {".jpg", ".jpeg", ".png", ".heic"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_TICKET = 6


@login_required
@permission_required("tickets.change_repairticket", raise_exception=True)
@require_POST
def upload_intake_photo(request, ticket_id: int):
    ticket = get_object_or_404(RepairTicket, pk=ticket_id)
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"error": "photo is required"}, status=400)
    if upload.size > MAX_PHOTO_BYTES:
        return JsonResponse({"error": "photo is larger than 10 MB"}, status=413)
    # The counter tablet names shots after the view ("left-heel.jpg"); fall back to the upload name.
    filename = request.POST.get("filename") or upload.name
    ext = os.path.splitext(filename)[1].lower()
    if ext not in ALLOWED_EXTENSIONS:
        return JsonResponse({"error": f"unsupported file type {ext}"}, status=415)

    folder = os.path.join(settings.MEDIA_ROOT, "intake", ticket.claim_number)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, filename)  # expect: SEC015
    with open(path, "wb") as fh:  # expect: SCL002
        for chunk in upload.chunks():
            fh.write(chunk)

    photo = IntakePhoto.objects.create(ticket=ticket, local_path=path)
    logger.info("intake photo %s stored for ticket %s", photo.pk, ticket.pk)
    return JsonResponse({"id": photo.pk, "url": f"/tickets/{ticket.pk}/photos/{photo.pk}"}, status=201)


@login_required
@permission_required("tickets.view_repairticket", raise_exception=True)
@require_GET
def intake_photo(request, ticket_id: int, photo_id: int):
    photo = get_object_or_404(IntakePhoto, pk=photo_id, ticket_id=ticket_id)
    if not photo.local_path or not os.path.exists(photo.local_path):
        raise Http404("photo file is missing")
    return FileResponse(open(photo.local_path, "rb"), content_type="image/jpeg")  # ok: RES001


@login_required
@permission_required("tickets.view_repairticket", raise_exception=True)
@require_GET
def list_intake_photos(request, ticket_id: int):
    ticket = get_object_or_404(RepairTicket, pk=ticket_id)
    photos = ticket.photos.order_by("uploaded_at")[:MAX_PHOTOS_PER_TICKET]
    return JsonResponse(
        {
            "ticket": ticket.claim_number,
            "photos": [
                {"id": p.pk, "url": f"/tickets/{ticket.pk}/photos/{p.pk}", "uploaded_at": p.uploaded_at.isoformat()}
                for p in photos
            ],
        }
    )
