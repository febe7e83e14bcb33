"""X-ray upload and viewing endpoints."""
import hashlib
import logging
import os

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from . import xray_storage
from .models import Patient, XRayImage
from .tasks import store_xray

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {"image/jpeg", "image/png", "application/dicom"}


@staff_member_required
@require_POST
def upload_xray(request, patient_id):
    patient = get_object_or_404(Patient, pk=patient_id)
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": "image file is required"}, status=400)
    if upload.content_type not in ALLOWED_TYPES:
        return JsonResponse({"error": "unsupported file type"}, status=415)

    data = upload.read()  # expect: SEC019
    checksum = hashlib.sha256(data).hexdigest()  # ok: SEC009
    os.makedirs(settings.XRAY_STAGING_DIR, exist_ok=True)
    original_name = request.POST.get("original_filename") or upload.name
    staging_path = os.path.join(settings.XRAY_STAGING_DIR, original_name)  # expect: SEC015
    with open(staging_path, "wb") as fh:  # expect: SCL002
        fh.write(data)

    xray = XRayImage.objects.create(
        patient=patient,
        uploaded_by=request.user,
        content_type=upload.content_type,
        size_bytes=len(data),
        sha256=checksum,
    )
    store_xray.delay(staging_path, xray.id)
    logger.info("x-ray %s received for patient %s (%d bytes)", xray.id, patient.id, len(data))
    return JsonResponse({"id": xray.id, "status": "processing"}, status=202)


def _can_view(user, patient):
    return user.is_staff or (patient.user_id is not None and patient.user_id == user.id)


@login_required
@require_GET
def patient_xrays(request, patient_id):
    patient = get_object_or_404(Patient, pk=patient_id)
    if not _can_view(request.user, patient):
        raise Http404
    xrays = XRayImage.objects.filter(patient=patient).order_by("-created_at")[:100]
    return JsonResponse(
        {
            "patient_id": patient.id,
            "xrays": [
                {"id": x.id, "created_at": x.created_at.isoformat(), "ready": bool(x.s3_key)} for x in xrays
            ],
        }
    )


@login_required
@require_GET
def xray_download_url(request, xray_id):
    xray = get_object_or_404(XRayImage.objects.select_related("patient"), pk=xray_id)
    if not _can_view(request.user, xray.patient):
        raise Http404
    if not xray.s3_key:
        return JsonResponse({"error": "image is still processing"}, status=409)
    return JsonResponse(
        {
            "url": xray_storage.presigned_download_url(xray.s3_key),
            "expires_in": xray_storage.PRESIGNED_TTL_SECONDS,
        }
    )
