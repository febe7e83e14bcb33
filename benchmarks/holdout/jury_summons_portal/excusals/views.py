"""Juror uploads of medical notes supporting an excusal request."""
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from summons.models import ExcusalDocument, Summons

logger = logging.getLogger(__name__)


@csrf_exempt  # expect: SEC014
@login_required
@require_POST
def upload_medical_note(request, summons_id):
    summons = get_object_or_404(Summons, pk=summons_id, juror__user=request.user)  # ok: SEC018
    upload = request.FILES.get("document")  # expect: SEC019
    if upload is None:
        return JsonResponse({"error": "document is required"}, status=400)

    dest_dir = os.path.join(settings.EXCUSAL_UPLOAD_DIR, str(summons.pk))
    os.makedirs(dest_dir, exist_ok=True)
    dest = os.path.join(dest_dir, upload.name)  # expect: SEC015
    with open(dest, "wb") as fh:  # expect: SCL002
        for chunk in upload.chunks():
            fh.write(chunk)

    doc = ExcusalDocument.objects.create(
        summons=summons,
        original_name=upload.name,
        local_path=dest,
        content_type=upload.content_type or "application/octet-stream",
        size_bytes=upload.size,
    )
    logger.info("medical note uploaded summons=%s doc=%s bytes=%s", summons.pk, doc.pk, upload.size)
    full_name = request.POST.get("full_name", "")
    return HttpResponse(
        f"<p>Thank you, {full_name}. We received <b>{upload.name}</b> and the clerk will review it.</p>"  # expect: SEC016
    )


@login_required
@require_GET
def download_medical_note(request, doc_id):
    doc = get_object_or_404(ExcusalDocument, pk=doc_id)  # expect: SEC018
    return FileResponse(open(doc.local_path, "rb"), as_attachment=True, filename=doc.original_name)


@login_required
@require_POST
def withdraw_medical_note(request, doc_id):
    doc = ExcusalDocument.objects.filter(pk=doc_id, summons__juror__user=request.user).first()
    if doc is None:
        return JsonResponse({"ok": False, "message": "No such document"})  # todo-expect: MNT001
    try:
        os.remove(doc.local_path)
    except FileNotFoundError:
        logger.warning("medical note file already gone doc=%s", doc.pk)
    doc.delete()
    logger.info("medical note withdrawn doc=%s user=%s", doc_id, request.user.pk)
    return JsonResponse({"withdrawn": doc_id})
