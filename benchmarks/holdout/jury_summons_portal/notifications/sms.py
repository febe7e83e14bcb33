"""SMS reminders and courtroom notices via the county SMS gateway."""
import logging

import requests
from celery import shared_task
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from summons.models import Panel, PanelSeat, Summons

logger = logging.getLogger(__name__)


def _send(phone, text):
    resp = requests.post(
        f"{settings.SMS_GATEWAY_URL}/api/messages",
        json={"to": phone, "body": text, "sender": "JURYDUTY"},
        auth=(settings.SMS_GATEWAY_USER, settings.SMS_GATEWAY_PASSWORD),
        timeout=10,
        verify=False,  # expect: SEC011
    )
    resp.raise_for_status()
    return resp.json()["message_id"]


def _reminder_text(summons):
    return (
        f"Reminder: you are summoned for jury service at {summons.court.name} on "
        f"{summons.service_date:%A %B %d}. Badge {summons.badge_number}. Reply STOP to opt out."
    )


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_report_reminder(self, summons_id):
    summons = Summons.objects.select_related("juror", "court").get(pk=summons_id)
    if not summons.juror.phone or summons.status not in (Summons.Status.RESPONDED, Summons.Status.MAILED):
        return None
    try:
        message_id = _send(summons.juror.phone, _reminder_text(summons))  # expect: REL003
    except requests.RequestException as exc:
        logger.warning("reminder sms failed summons=%s attempt=%s", summons_id, self.request.retries)
        raise self.retry(exc=exc)
    logger.info("reminder sms sent summons=%s message=%s", summons_id, message_id)
    return message_id


@shared_task
def send_reminders_for(service_date_iso):
    ids = Summons.objects.filter(
        service_date=service_date_iso,
        status__in=(Summons.Status.RESPONDED, Summons.Status.MAILED),
    ).values_list("pk", flat=True)
    count = 0
    for summons_id in ids.iterator(chunk_size=1000):
        send_report_reminder.delay(summons_id)
        count += 1
    logger.info("queued %s reminders for %s", count, service_date_iso)
    return count


@staff_member_required
@require_POST
def notify_panel_delay(request, panel_id):
    panel = get_object_or_404(Panel, pk=panel_id)
    new_time = request.POST.get("new_time", "").strip()[:20]
    seats = PanelSeat.objects.filter(panel=panel).select_related("summons__juror")
    text = f"Jury panel {panel.case_number}: please report at {new_time} instead. Thank you."
    for seat in seats:
        phone = seat.summons.juror.phone
        if not phone:
            continue
        try:
            _send(phone, text)
        except requests.RequestException:
            logger.exception("delay notice failed panel=%s summons=%s", panel.pk, seat.summons_id)
    logger.info("delay notice sent panel=%s clerk=%s", panel.pk, request.user.pk)
    return JsonResponse({"status": "sent", "recipients": len(seats)})  # expect: ERR002
