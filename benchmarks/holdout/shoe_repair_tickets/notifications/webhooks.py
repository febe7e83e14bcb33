"""Delivery-status callbacks from the SMS provider."""
import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tickets.models import PickupNotification

logger = logging.getLogger(__name__)

KNOWN_STATUSES = {"queued", "sent", "delivered", "undelivered", "failed"}


def _valid_signature(body: bytes, header: str) -> bool:
    secret = settings.SMS_WEBHOOK_SECRET.encode()
    if not secret or not header:
        return False
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


@csrf_exempt  # ok: SEC014
@require_POST
def delivery_status(request):
    """The provider signs each callback with HMAC-SHA256 over the raw body; no cookies involved."""
    body = request.body  # ok: SEC019
    if not _valid_signature(body, request.headers.get("X-Signature", "")):
        logger.warning("SMS callback with a bad signature from %s", request.META.get("REMOTE_ADDR"))
        return HttpResponseForbidden("bad signature")

    try:
        event = json.loads(body)
        message_id = str(event["message_id"])
        status = str(event["status"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("malformed event")
    if status not in KNOWN_STATUSES:
        return HttpResponseBadRequest("unknown status")

    updated = PickupNotification.objects.filter(provider_message_id=message_id).update(delivery_status=status)
    if not updated:
        # Shelf notices are not tracked per message; acknowledge so the provider stops retrying.
        logger.info("SMS callback for untracked message %s (%s)", message_id, status)
    elif status in {"undelivered", "failed"}:
        logger.warning("SMS %s could not be delivered (%s)", message_id, status)
    return HttpResponse(status=204)
