import logging
from datetime import timedelta

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from pets.models import Vaccination

logger = logging.getLogger(__name__)

REMINDER_LEAD_DAYS = 7
CHUNK = 200


def _send_one(vacc):
    owner = vacc.pet.owner
    context = {
        "owner_name": owner.first_name or "there",
        "pet_name": vacc.pet.name,
        "vaccine": vacc.vaccine_name,
        "due_date": vacc.due_date,
        "book_url": f"https://portal.pawsandclaws.vet/book?pet={vacc.pet_id}",
    }
    message = EmailMultiAlternatives(
        subject=f"{vacc.pet.name} is due for a {vacc.vaccine_name} vaccination",
        body=render_to_string("reminders/vaccination.txt", context),
        to=[owner.email],
    )
    message.attach_alternative(render_to_string("reminders/vaccination.html", context), "text/html")
    message.send()


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_vaccination_email_reminders(self):
    due_by = timezone.localdate() + timedelta(days=REMINDER_LEAD_DAYS)
    pending = (
        Vaccination.objects.filter(due_date__lte=due_by, email_reminded_at__isnull=True, pet__deceased=False)
        .select_related("pet", "pet__owner")  # ok: DB001
        .order_by("pk")
    )

    sent = failed = 0
    for vacc in pending.iterator(chunk_size=CHUNK):
        if not vacc.pet.owner.email:
            continue
        claimed = Vaccination.objects.filter(pk=vacc.pk, email_reminded_at__isnull=True).update(email_reminded_at=timezone.now())  # ok: DB005, DB003
        if not claimed:
            continue
        try:
            _send_one(vacc)
            sent += 1
        except OSError:
            logger.exception("reminder e-mail failed for vaccination %s", vacc.pk)
            Vaccination.objects.filter(pk=vacc.pk).update(email_reminded_at=None)
            failed += 1

    logger.info("vaccination e-mail reminders: %d sent, %d failed", sent, failed)
    return {"sent": sent, "failed": failed}
