"""Audit log browsing, CSV export, retention purge and the SIEM intake webhook for the admin portal."""

import csv
import hashlib
import hmac
import io
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .models import AuditEntry

logger = logging.getLogger(__name__)


@require_GET
@permission_required("portal.view_auditentry", raise_exception=True)
def audit_entries(request):
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at").all()  # expect: DB002
    term = request.GET.get("q")
    if term:
        entries = entries.filter(details__icontains=term)  # todo-expect: DB006
    return JsonResponse({"entries": [entry.as_dict() for entry in entries]})


@require_GET
@permission_required("portal.export_auditentry", raise_exception=True)
def export_entries(request):
    since = timezone.now() - timedelta(days=int(request.GET.get("days", "30")))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["created_at", "actor", "action", "details"])
    try:
        for entry in AuditEntry.objects.filter(created_at__gte=since).select_related("actor").iterator(chunk_size=2000):
            writer.writerow([entry.created_at.isoformat(), entry.actor_id, entry.action, entry.details])
    except Exception as exc:  # expect: ERR002
        logger.error("audit export failed: %s" % exc)  # expect: OBS002
        return HttpResponse("", content_type="text/csv")
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-{since:%Y%m%d}.csv"'
    return response


@csrf_exempt  # expect: SEC014
@require_POST
@permission_required("portal.delete_auditentry", raise_exception=True)
def purge_entries(request):
    days = max(int(request.POST.get("older_than_days", "365")), 90)
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = AuditEntry.objects.filter(created_at__lt=cutoff).delete()
    logger.info("user %s purged %d audit entries older than %s", request.user.pk, deleted, cutoff.date())
    return JsonResponse({"deleted": deleted})


@csrf_exempt  # ok: SEC014
@require_POST
def siem_webhook(request):
    expected = hmac.new(settings.SIEM_WEBHOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Siem-Signature", "")):
        return JsonResponse({"error": "invalid signature"}, status=401)
    event = json.loads(request.body)
    AuditEntry.objects.create(actor=None, action="siem." + event["type"], details=json.dumps(event)[:4000])
    return JsonResponse({"stored": True}, status=201)

