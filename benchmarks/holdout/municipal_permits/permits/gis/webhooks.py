"""Keeps the county GIS vendor's parcel layer in sync with permit statuses."""
import hashlib
import hmac
import json
import logging

import requests
from celery import shared_task
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from permits.models import PermitApplication

logger = logging.getLogger(__name__)

PUBLISHED_STATUSES = {"submitted", "under_review", "approved", "rejected", "withdrawn"}


@receiver(post_save, sender=PermitApplication)
def push_status_to_gis(sender, instance: PermitApplication, created: bool, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "status" not in update_fields:
        return
    if instance.status in PUBLISHED_STATUSES:
        notify_gis_status.delay(instance.pk, instance.status)  # expect: REL004


@shared_task(bind=True, max_retries=None, default_retry_delay=10)  # expect: REL002
def notify_gis_status(self, application_id: int, status: str) -> None:
    application = PermitApplication.objects.get(pk=application_id)
    payload = {
        "permit_reference": application.reference,
        "parcel_id": application.parcel_id,
        "permit_type": application.kind,
        "status": status,
        "decided_at": application.decided_at.isoformat() if application.decided_at else None,
    }
    headers = {
        "Authorization": f"Token {settings.GIS_VENDOR['token']}",
        "Content-Type": "application/json",
    }
    logger.info("pushing permit status to GIS: payload=%s headers=%s", payload, headers)  # expect: SEC007
    try:
        resp = requests.post(
            f"{settings.GIS_VENDOR['base_url']}/permits/status",
            json=payload,
            headers=headers,
            timeout=10,
            verify=False,  # expect: SEC011
        )
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise self.retry(exc=exc)


@csrf_exempt  # ok: SEC014
@require_POST
def gis_parcel_callback(request):
    """The vendor calls this when parcels are split or merged."""
    if len(request.body) > 256 * 1024:
        return JsonResponse({"detail": "payload too large"}, status=413)
    signature = request.headers.get("X-ParcelView-Signature", "")
    expected = hmac.new(settings.GIS_VENDOR["webhook_secret"].encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected):
        return HttpResponseForbidden("bad signature")

    event = json.loads(request.body)
    remapped = 0
    for change in event.get("parcel_changes", [])[:500]:
        remapped += PermitApplication.objects.filter(parcel_id=change["old_parcel_id"]).update(
            parcel_id=change["new_parcel_id"]
        )
    logger.info("GIS callback %s remapped %s applications", event.get("event_id"), remapped)
    return JsonResponse({"received": True, "remapped": remapped})
