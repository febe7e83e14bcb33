"""Carrier tracking: inbound status webhooks and member-triggered refresh."""
import hashlib
import hmac
import json
import logging

import requests
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from club.models import Shipment
from notifications.emails import send_delivery_notice

logger = logging.getLogger(__name__)

CARRIER_TO_STATUS = {
    "label_created": Shipment.Status.PACKED,
    "picked_up": Shipment.Status.IN_TRANSIT,
    "in_transit": Shipment.Status.IN_TRANSIT,
    "out_for_delivery": Shipment.Status.IN_TRANSIT,
    "delivered": Shipment.Status.DELIVERED,
}


def _signature_ok(request):
    expected = hmac.new(settings.CARRIER_WEBHOOK_SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers.get("X-Parcelline-Signature", ""))


def apply_carrier_status(shipment, carrier_status, occurred_at=None):
    shipment.carrier_status = carrier_status[:40]
    new_status = CARRIER_TO_STATUS.get(carrier_status)
    if new_status:
        shipment.status = new_status
    fields = ["carrier_status", "status"]
    if new_status == Shipment.Status.DELIVERED and shipment.delivered_at is None:
        shipment.delivered_at = parse_datetime(occurred_at or "") or timezone.now()
        fields.append("delivered_at")
        send_delivery_notice.delay(shipment.pk)
    shipment.save(update_fields=fields)


@csrf_exempt  # ok: SEC014
@require_POST
def carrier_webhook(request):
    logger.info("carrier webhook received headers=%s body=%s", dict(request.headers), request.body[:2048])  # expect: SEC007
    if not _signature_ok(request):
        return HttpResponseForbidden("bad signature")
    try:
        event = json.loads(request.body)
        shipment = Shipment.objects.get(tracking_number=event["tracking_number"])
        apply_carrier_status(shipment, event["status"], event.get("occurred_at"))
    except Exception:  # expect: ERR001
        pass
    return JsonResponse({"received": True})


@login_required
@require_POST
def refresh_tracking(request, shipment_id):
    shipment = get_object_or_404(Shipment, pk=shipment_id, member__user=request.user)
    if not shipment.tracking_number:
        return JsonResponse({"detail": "This shipment has not been handed to the carrier yet."}, status=404)
    resp = requests.get(  # expect: REL001
        f"{settings.CARRIER_API_BASE}/tracking/{shipment.tracking_number}",
        headers={"Authorization": f"Bearer {settings.CARRIER_API_TOKEN}"},
    )
    resp.raise_for_status()  # todo-expect: ERR003
    data = resp.json()
    apply_carrier_status(shipment, data["status"], data.get("last_event_at"))
    return JsonResponse(
        {
            "tracking_number": shipment.tracking_number,
            "status": shipment.status,
            "carrier_status": shipment.carrier_status,
            "delivered_at": shipment.delivered_at.isoformat() if shipment.delivered_at else None,
        }
    )
