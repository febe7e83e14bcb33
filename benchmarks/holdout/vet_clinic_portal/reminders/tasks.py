import logging
from datetime import timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from labs.models import LabResult
from labs.pdf_render import render_lab_report
from pets.models import Vaccination
from reminders.sms_gateway import SmsError, SmsGateway

logger = logging.getLogger(__name__)

REMINDER_LEAD_DAYS = 7
SMS_TEMPLATE = (
    "Hi {owner}, {pet} is due for their {vaccine} on {due:%d %b}. "
    "Book at pawsandclaws.vet/book or reply STOP to opt out."
)


@shared_task(bind=True, autoretry_for=(SmsError, requests.RequestException), retry_backoff=True, max_retries=5)  # ok: REL002
def send_vaccination_sms_reminders(self):
    due_by = timezone.localdate() + timedelta(days=REMINDER_LEAD_DAYS)
    due = Vaccination.objects.filter(
        due_date__lte=due_by,
        sms_reminded_at__isnull=True,
        pet__deceased=False,
    ).order_by("due_date")

    gateway = SmsGateway()
    reminded = []
    for vacc in due:
        profile = vacc.pet.owner.ownerprofile  # expect: DB001
        if not profile.sms_opt_in or not profile.phone:
            continue
        text = SMS_TEMPLATE.format(
            owner=vacc.pet.owner.first_name or "there",
            pet=vacc.pet.name,
            vaccine=vacc.vaccine_name,
            due=vacc.due_date,
        )
        gateway.send(profile.phone, text)  # expect: REL003
        reminded.append(vacc.pk)

    Vaccination.objects.filter(pk__in=reminded).update(sms_reminded_at=timezone.now())
    logger.info("sent %d vaccination SMS reminders", len(reminded))
    return len(reminded)


@shared_task(bind=True, autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=4)  # ok: REL002
def sync_lab_results(self):
    since = timezone.now() - timedelta(hours=6)
    resp = requests.get(
        f"{settings.LAB_PARTNER_URL}/v2/results",
        params={"updated_since": since.isoformat(), "page_size": 200},
        headers={"Authorization": f"Bearer {settings.LAB_PARTNER_TOKEN}"},
        timeout=20,  # ok: REL001
    )
    resp.raise_for_status()

    changed = 0
    for item in resp.json()["results"]:
        result, created = LabResult.objects.get_or_create(  # ok: DB005
            external_id=item["id"],
            defaults={"pet_id": item["patient_ref"], "panel": item["panel"], "collected_at": item["collected_at"]},
        )
        if not created and result.status == item["status"]:
            continue
        result.status = item["status"]
        result.values = item.get("values", [])
        if result.status == "final":
            try:
                result.pdf_key = render_lab_report(result)
            except Exception:  # ok: ERR001
                logger.exception("could not render lab report for %s", result.external_id)
        result.save()
        changed += 1
    logger.info("lab sync: %d results created or updated", changed)
    return changed
