import logging
from functools import lru_cache

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from paging.oncall import NoOnCallClinician, current_shift
from wards.models import Page, Transfer

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def twilio_client():
    return Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=10),  # ok: REL001
    )


def _deliver(page_id):
    """Send a page at most once: the row is locked and marked before the lock is released."""
    with transaction.atomic():
        page = Page.objects.select_for_update().select_related("shift").get(pk=page_id)
        if page.sent_at is not None:
            return page.provider_sid
        message = twilio_client().messages.create(  # ok: REL003
            to=page.shift.phone, from_=settings.TWILIO_FROM_NUMBER, body=page.message
        )
        page.provider_sid = message.sid
        page.sent_at = timezone.now()
        page.save(update_fields=["provider_sid", "sent_at"])
        return message.sid


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=120)  # ok: REL002
def notify_transfer(self, transfer_id):
    transfer = Transfer.objects.select_related(
        "admission__patient", "to_bed__ward", "from_bed"
    ).get(pk=transfer_id)
    ward = transfer.to_bed.ward
    try:
        shift = current_shift(ward.pk)
    except NoOnCallClinician:
        logger.warning("transfer %s: nobody on call for ward %s", transfer_id, ward.code)
        return None

    page, _ = Page.objects.get_or_create(  # ok: DB005
        dedupe_key=f"transfer-{transfer.pk}",
        defaults={
            "shift": shift,
            "admission": transfer.admission,
            "message": (
                f"[{ward.code}] Transfer in: bed {transfer.to_bed.label} "
                f"from {transfer.from_bed.label}. MRN {transfer.admission.patient.mrn}."
            ),
        },
    )
    try:
        sid = _deliver(page.pk)
    except TwilioRestException as exc:
        if exc.status and exc.status < 500:
            logger.warning("twilio rejected page %s: %s (%s)", page.pk, exc.msg, exc.code)
            return None
        logger.warning("twilio unavailable for page %s, retrying", page.pk)
        raise self.retry(exc=exc)
    logger.info("transfer %s paged to shift %s (sid %s)", transfer_id, shift.pk, sid)
    return sid
