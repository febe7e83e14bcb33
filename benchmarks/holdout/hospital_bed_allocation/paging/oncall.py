import logging

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from wards.models import Admission, OnCallShift, Page, Ward

logger = logging.getLogger(__name__)

TWILIO_MESSAGES_URL = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"


class NoOnCallClinician(Exception):
    pass


def current_shift(ward_id):
    now = timezone.now()
    shift = (
        OnCallShift.objects.filter(ward_id=ward_id, starts_at__lte=now, ends_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    if shift is None:
        raise NoOnCallClinician(f"nobody on call for ward {ward_id}")
    return shift


def send_sms(to_number, body):
    resp = requests.post(  # expect: REL001
        TWILIO_MESSAGES_URL.format(sid=settings.TWILIO_ACCOUNT_SID),
        data={"To": to_number, "From": settings.TWILIO_FROM_NUMBER, "Body": body},
        auth=(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN),
    )
    resp.raise_for_status()
    return resp.json()["sid"]


def _page_text(admission):
    return (
        f"[{admission.ward.code}] New acuity {admission.acuity} admission, bed "
        f"{admission.bed.label if admission.bed else '?'}. Please review within 30 min."
    )


@shared_task(
    bind=True,
    autoretry_for=(requests.RequestException,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=None,  # expect: REL002
)
def page_oncall_for_admission(self, admission_id):
    admission = Admission.objects.select_related("ward", "bed").get(pk=admission_id)
    try:
        shift = current_shift(admission.ward_id)
    except NoOnCallClinician:
        logger.warning("admission %s: no on-call clinician for ward %s", admission_id, admission.ward.code)
        return None

    body = _page_text(admission)
    sid = send_sms(shift.phone, body)  # expect: REL003
    Page.objects.create(
        shift=shift,
        admission=admission,
        dedupe_key=f"admission-{admission.pk}-{self.request.id}",
        message=body,
        provider_sid=sid,
        sent_at=timezone.now(),
    )
    logger.info("paged %s for admission %s (sid %s)", shift.clinician_name, admission_id, sid)
    return sid


@shared_task
def page_ward_message(ward_id, text):
    shift = current_shift(ward_id)
    sid = send_sms(shift.phone, text[:300])
    logger.info("ward %s broadcast paged to shift %s", ward_id, shift.pk)
    return sid


@shared_task
def morning_handover_broadcast():
    sent = 0
    for ward in Ward.objects.order_by("code"):
        try:
            shift = current_shift(ward.pk)  # expect: DB001
        except NoOnCallClinician:
            continue
        text = (f"[{ward.code}] Handover: {ward.occupied_beds}/{ward.total_beds} beds occupied. "
                "Board: https://beds.stmarys.internal/board/" + ward.code)
        send_sms(shift.phone, text)
        sent += 1
    logger.info("handover broadcast sent to %d wards", sent)
    return sent
