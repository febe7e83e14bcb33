"""Callback from the eviction-records provider when a county search finishes."""
import hashlib
import hmac
import json
import logging
import time

import django_rq
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from screening.models import ScreeningOrder, WebhookEvent
from screening.tasks import notify_landlord_report_ready

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
MAX_CLOCK_SKEW = 300


def _signature_valid(request):
    timestamp = request.headers.get("X-Evictions-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
        return False
    signed = timestamp.encode() + b"." + request.body
    expected = hmac.new(settings.EVICTIONS_WEBHOOK_SECRET.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(request.headers.get("X-Evictions-Signature", ""), expected)


def _record_result(order, payload):
    summary = dict(order.report.summary) if hasattr(order, "report") else {}
    summary["evictions"] = {
        "records_found": int(payload.get("records_found", 0)),
        "counties_searched": payload.get("counties", [])[:100],
        "searched_at": payload.get("completed_at"),
    }
    if hasattr(order, "report"):
        order.report.summary = summary
        order.report.save(update_fields=["summary"])


@csrf_exempt  # ok: SEC014
@require_POST
def eviction_search_complete(request):
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "payload_too_large"}, status=413)
    if not _signature_valid(request):
        return HttpResponseForbidden("bad signature")

    payload = json.loads(request.body)
    event_id, reference = payload["id"], payload.get("reference")
    logger.info("eviction callback event=%s reference=%s", event_id, reference)  # ok: SEC007
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(provider="evictions", event_id=event_id, payload={"reference": reference})  # ok: DB005
            locked = ScreeningOrder.objects.select_for_update(of=("self",)).select_related("report")
            order = locked.get(bureau_reference=reference)
            _record_result(order, payload)
            if payload.get("final"):
                order.mark_complete(timezone.now())
                transaction.on_commit(lambda: django_rq.enqueue(notify_landlord_report_ready, order.pk))  # ok: REL004
    except IntegrityError:
        logger.info("eviction callback event=%s already processed", event_id)
        return JsonResponse({"status": "duplicate"})
    except ScreeningOrder.DoesNotExist:
        logger.warning("eviction callback for unknown reference=%s event=%s", reference, event_id)
        return JsonResponse({"error": "unknown_reference"}, status=404)
    return JsonResponse({"status": "processed"})
