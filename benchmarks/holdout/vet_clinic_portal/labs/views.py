import hmac
import json
import logging
import os

import boto3
from botocore.config import Config
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from labs.models import LabResult
from labs.pdf_render import render_lab_report

logger = logging.getLogger(__name__)

_s3 = boto3.client(
    "s3",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}),
)
_download_urls = {}


def _pdf_url(key):
    url = _download_urls.get(key)
    if url is None:
        url = _s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": settings.AWS_STORAGE_BUCKET, "Key": key},
            ExpiresIn=3600,
        )
        _download_urls[key] = url  # expect: RES002
    return url


@require_GET
@login_required
def lab_results_for_pet(request, pet_id):
    results = (
        LabResult.objects.filter(pet_id=pet_id, pet__owner=request.user)  # ok: SEC018
        .order_by("-collected_at")[:50]  # ok: DB002
    )
    return JsonResponse({
        "results": [
            {"id": r.pk, "panel": r.panel, "status": r.status, "collected_at": r.collected_at.isoformat(), "has_pdf": bool(r.pdf_key)}
            for r in results
        ]
    })


@require_GET
@login_required
def lab_result_pdf(request, result_id):
    try:
        result = LabResult.objects.get(pk=result_id)  # expect: SEC018
    except LabResult.DoesNotExist:
        raise Http404("no such lab result")
    if not result.pdf_key:
        raise Http404("report not ready yet")
    logger.info("owner %s downloading lab result %s", request.user.pk, result.pk)
    return HttpResponseRedirect(_pdf_url(result.pdf_key))


@require_GET
@login_required
def lab_attachment(request):
    name = request.GET.get("file", "")
    path = os.path.join(settings.LAB_IMPORT_DIR, name)  # expect: SEC015
    if not name or not os.path.isfile(path):
        raise Http404("attachment not found")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=os.path.basename(path))


@csrf_exempt  # ok: SEC014
@require_POST
def lab_partner_webhook(request):
    signature = request.headers.get("X-Lab-Signature", "")
    expected = hmac.new(settings.LAB_WEBHOOK_SECRET.encode(), request.body, "sha256").hexdigest()
    if not hmac.compare_digest(signature, expected):
        logger.warning("lab webhook with bad signature from %s", request.META.get("REMOTE_ADDR"))
        return HttpResponseForbidden("bad signature")

    event = json.loads(request.body)
    try:
        result = LabResult.objects.get(external_id=event["result_id"])
    except LabResult.DoesNotExist:
        logger.warning("lab webhook for unknown result %s", event.get("result_id"))
        return JsonResponse({"status": "ignored"})

    result.status = event["status"]
    result.values = event.get("values", result.values)
    if result.status == "final":
        result.pdf_key = render_lab_report(result)
    result.save(update_fields=["status", "values", "pdf_key"])
    return JsonResponse({"status": "ok"})
