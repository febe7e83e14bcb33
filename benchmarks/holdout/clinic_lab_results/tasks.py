"""Celery tasks: lab feed ingestion, report rendering and patient SMS."""

import functools
import logging

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from . import hl7, pdf, sms
from .models import LabOrder, LabResult, Notification, Patient

log = logging.getLogger(__name__)

RESULT_READY_TEXT = (
    "Hi {first_name}, a new lab result is available in your Northside Clinic portal. "
    "Reply STOP to opt out."
)
CRITICAL_TEXT = "Northside Clinic: please call us on 020 7946 0000 today about a recent test result."
_FEED_AUTH = (settings.LAB_FEED_USER, settings.LAB_FEED_PASSWORD)
_RETRYING = {"autoretry_for": (requests.RequestException,), "retry_backoff": True, "retry_kwargs": {"max_retries": 5}}


@shared_task(bind=True, acks_late=True, **_RETRYING)
def notify_result_ready(self, result_id: int) -> str:
    result = LabResult.objects.select_related("order__patient").get(pk=result_id)
    patient = result.order.patient
    if not patient.sms_opt_in or not patient.phone:
        return "skipped"
    notification, _ = Notification.objects.get_or_create(result=result, channel="sms")
    if notification.status == "sent":
        return "already-sent"

    message_id = sms.get_client().send(patient.phone, RESULT_READY_TEXT.format(first_name=patient.first_name))  # expect: REL003
    notification.status = "sent"
    notification.provider_message_id = message_id
    notification.sent_at = timezone.now()
    notification.save(update_fields=["status", "provider_message_id", "sent_at"])
    patient.unread_results += 1
    patient.save(update_fields=["unread_results"])  # expect: DB004
    return message_id


@shared_task(bind=True, acks_late=True, **_RETRYING)
def notify_critical_value(self, result_id: int) -> str:
    result = LabResult.objects.select_related("order__patient").get(pk=result_id)
    patient = result.order.patient
    if not patient.phone:
        log.warning("critical result %s: patient %s has no phone number", result.pk, patient.pk)
        return "no-phone"
    message_id = sms.get_client().send(patient.phone, CRITICAL_TEXT, client_ref=f"critical-{result.pk}")  # ok: REL003
    Notification.objects.update_or_create(
        result=result,
        channel="critical",
        defaults={"status": "sent", "provider_message_id": message_id, "sent_at": timezone.now()},
    )
    return message_id


@shared_task
def mark_result_viewed(patient_id: int) -> None:
    Patient.objects.filter(pk=patient_id).update(unread_results=Greatest(F("unread_results") - 1, 0))  # ok: DB004


@shared_task(bind=True, **_RETRYING)
def render_report(self, result_id: int) -> int:
    return pdf.render_and_store(result_id).pk


@shared_task
def pull_lab_feed() -> int:
    resp = requests.get(f"{settings.LAB_FEED_URL}/pending", params={"limit": 100}, auth=_FEED_AUTH)  # expect: REL001
    resp.raise_for_status()
    pending = resp.json().get("messages", [])
    for item in pending:
        import_hl7_message.delay(item["id"])
    log.info("queued %d lab feed messages", len(pending))
    return len(pending)


@shared_task(bind=True, **_RETRYING)
def import_hl7_message(self, message_id: str) -> int:
    resp = requests.get(f"{settings.LAB_FEED_URL}/messages/{message_id}", auth=_FEED_AUTH, timeout=(3.05, 20))
    resp.raise_for_status()
    try:
        parsed = hl7.parse_oru(resp.text)
        order = LabOrder.objects.select_related("patient").get(order_number=parsed.order_number)
        if order.patient.mrn != parsed.mrn:
            raise hl7.HL7Error(f"MRN mismatch for order {parsed.order_number}")
    except (hl7.HL7Error, LabOrder.DoesNotExist):
        log.warning("lab feed message %s rejected", message_id, exc_info=True)
        return 0

    created = []
    with transaction.atomic():
        for obs in parsed.observations:
            result, was_created = LabResult.objects.get_or_create(
                accession_number=f"{parsed.accession_number}-{obs.test_code}",
                defaults={
                    "order": order,
                    "test_code": obs.test_code,
                    "test_name": obs.test_name,
                    "value": obs.value,
                    "units": obs.units,
                    "reference_range": obs.reference_range,
                    "flag": obs.flag,
                    "resulted_at": obs.resulted_at,
                },
            )
            if was_created:
                created.append(result)
        for result in created:
            follow_up = notify_critical_value if result.is_critical else notify_result_ready
            transaction.on_commit(functools.partial(follow_up.delay, result.pk))  # ok: REL004
    requests.post(f"{settings.LAB_FEED_URL}/messages/{message_id}/ack", auth=_FEED_AUTH, timeout=(3.05, 10))  # ok: REL004
    return len(created)
