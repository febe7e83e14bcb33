"""Bureau One calls this when a report is ready."""
import hashlib
import hmac
import json
import logging

import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.http import HttpResponseForbidden, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from screening.models import BureauReport, ScreeningOrder, WebhookEvent

logger = logging.getLogger(__name__)


def _signature_ok(request):
    expected = hmac.new(settings.BUREAU_WEBHOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(request.headers.get("X-Bureau-Signature", ""), expected)


def _apply_report(order, payload):
    pdf = requests.get(payload["report_pdf_url"], timeout=(3, 30))
    pdf.raise_for_status()
    key = default_storage.save(f"reports/{order.landlord_id}/{order.pk}.pdf", ContentFile(pdf.content))
    BureauReport.objects.create(
        order=order,
        s3_key=key,
        score=payload.get("score"),
        recommendation=payload.get("recommendation", ""),
        summary=payload.get("summary", {}),
    )
    order.mark_complete(timezone.now())


def _notify_landlord(order):
    send_mail(
        "Your screening report is ready",
        f"The report for {order.applicant.full_name} is ready: {settings.SITE_URL}/reports/{order.pk}/",
        settings.DEFAULT_FROM_EMAIL,
        [order.landlord.user.email],
    )


@csrf_exempt  # ok: SEC014
@require_POST
def bureau_report_ready(request):
    logger.info("bureau webhook received: %s", request.body.decode("utf-8", "replace"))  # expect: SEC007
    if not _signature_ok(request):
        return HttpResponseForbidden("bad signature")

    payload = json.loads(request.body)
    event_id = payload["event_id"]
    if WebhookEvent.objects.filter(provider="bureau_one", event_id=event_id).exists():
        return JsonResponse({"status": "duplicate"})

    try:
        order = ScreeningOrder.objects.select_related("applicant", "landlord__user").get(
            bureau_reference=payload["order_reference"]
        )
        _apply_report(order, payload)  # expect: DB005
        WebhookEvent.objects.create(provider="bureau_one", event_id=event_id, payload={"ref": order.bureau_reference})
        _notify_landlord(order)
    except Exception as exc:
        logger.error("bureau webhook %s failed: %s", event_id, exc)  # expect: OBS002
        return JsonResponse({"status": "received"})  # expect: ERR002
    return JsonResponse({"status": "processed"})
