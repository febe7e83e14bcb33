"""Report export API: queues CSV exports, serves finished ones, and receives the warehouse webhook."""
import hashlib
import hmac
import json
import logging
import os

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import Export, Report
from .tasks import build_export

logger = logging.getLogger(__name__)


@require_POST
@login_required
def queue_export(request):
    report = get_object_or_404(Report, pk=request.POST.get("report_id"), owner=request.user)
    region = request.POST.get("region", "")
    export = Export.objects.create(report=report, owner=request.user, region=region, state="queued")
    transaction.on_commit(lambda: build_export.delay(export.pk))
    return JsonResponse({"export_id": export.pk, "state": export.state}, status=202)


@require_GET
@login_required
def export_download(request, export_id):
    export = get_object_or_404(Export, pk=export_id, owner=request.user, state="done")
    url = default_storage.url(export.storage_key)  # ok: SEC015
    return JsonResponse({"url": url, "rows": export.row_count})


def _valid_signature(request) -> bool:
    secret = os.environ.get("WAREHOUSE_WEBHOOK_SECRET", "").encode()
    expected = hmac.new(secret, request.body, hashlib.sha256).hexdigest()
    return bool(secret) and hmac.compare_digest(expected, request.headers.get("X-Warehouse-Signature", ""))


@csrf_exempt  # ok: SEC014
@require_POST
def warehouse_refresh_webhook(request):
    """Called by the data warehouse (not a browser) when a report's source table is refreshed."""
    if not _valid_signature(request):
        return HttpResponse(status=401)
    payload = json.loads(request.body)
    updated = Report.objects.filter(source_table=payload["table"]).update(stale=True)
    logger.info("warehouse refresh of %s marked %s reports stale", payload["table"], updated)
    return JsonResponse({"marked_stale": updated})
