"""Celery tasks: SMS reminders, insurer pre-authorisation and x-ray storage."""
import logging
import os
from datetime import timedelta

import requests
from celery import shared_task
from django.utils import timezone

from . import insurance_client, preauth_service, sms_client, xray_storage
from .models import Appointment, PreAuthorisation, SmsReminder, TreatmentPlan, XRayImage

logger = logging.getLogger(__name__)

REMINDER_TEXT = (
    "Hi {first_name}, a reminder of your appointment with {dentist} at {time} tomorrow. "
    "Reply C to cancel. Smile Street Dental"
)


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_tomorrows_reminders(self):
    tomorrow = timezone.localdate() + timedelta(days=1)
    appointments = Appointment.objects.filter(
        starts_at__date=tomorrow, status=Appointment.Status.BOOKED, patient__sms_opt_in=True
    ).select_related("patient", "dentist")
    sent = 0
    try:
        for appt in appointments:
            body = REMINDER_TEXT.format(
                first_name=appt.patient.first_name,
                dentist=appt.dentist.full_name,
                time=timezone.localtime(appt.starts_at).strftime("%H:%M"),
            )
            result = sms_client.send_sms(appt.patient.mobile_phone, body)  # expect: REL003
            SmsReminder.objects.create(appointment=appt, sent_at=timezone.now(), provider_message_id=result["id"])
            sent += 1
    except sms_client.SmsGatewayError as exc:
        raise self.retry(exc=exc)
    print(f"reminders sent for {tomorrow}: {sent}")  # expect: OBS001
    return sent


@shared_task(
    autoretry_for=(insurance_client.InsuranceApiError, requests.RequestException),
    retry_backoff=True,
    max_retries=5,
)
def request_preauthorisation(plan_id):
    plan = TreatmentPlan.objects.select_related("patient").get(pk=plan_id)
    if not plan.patient.insurer_code:
        return None
    preauth = preauth_service.open_preauthorisation(plan_id)
    preauth = preauth_service.submit_to_insurer(preauth.id)
    return preauth.status


@shared_task
def refresh_pending_preauthorisations():
    pending = PreAuthorisation.objects.filter(status=PreAuthorisation.Status.SUBMITTED)
    for preauth in pending:
        patient = preauth.plan.patient  # expect: DB001
        try:
            decision = insurance_client.get_decision(preauth.insurer_reference, patient.insurer_code)
        except Exception:  # expect: ERR001
            continue
        preauth_service.record_decision(preauth.id, decision)


@shared_task(bind=True, max_retries=5, retry_backoff=True)
def store_xray(self, staging_path, xray_id):
    xray = XRayImage.objects.get(pk=xray_id)
    try:
        with open(staging_path, "rb") as fh:
            key = xray_storage.upload_xray(fh, patient_id=xray.patient_id, content_type=xray.content_type)
    except xray_storage.StorageError as exc:
        raise self.retry(exc=exc)
    XRayImage.objects.filter(pk=xray_id).update(s3_key=key)
    os.remove(staging_path)
    logger.info("x-ray %s stored as %s", xray_id, key)
