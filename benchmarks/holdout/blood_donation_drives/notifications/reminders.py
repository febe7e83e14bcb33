"""Day-before SMS reminders and post-donation thank-you e-mails.

The beat job only enqueues appointment ids; each reminder is its own task and
is recorded in ReminderLog (unique per appointment and kind) before and after
sending, so retries and duplicate beat runs do not text a donor twice.
"""
import logging
import smtplib
import ssl
from datetime import datetime, time, timedelta
from email.message import EmailMessage

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from donors.models import Appointment, Donation, ReminderLog

log = logging.getLogger(__name__)
sns = boto3.client(
    "sns",
    region_name=settings.AWS_REGION,
    config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 2}),
)


@shared_task
def queue_day_before_reminders() -> int:
    tomorrow = timezone.localdate() + timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = datetime.combine(tomorrow, time.min, tzinfo=tz)
    ids = Appointment.objects.filter(
        status="booked", slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=1)  # ok: DB006
    ).values_list("id", flat=True)
    count = 0
    for appointment_id in ids.iterator(chunk_size=1000):
        send_sms_reminder.delay(appointment_id)  # ok: DB001
        count += 1
    log.info("queued %s reminders for %s", count, tomorrow)
    return count


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_sms_reminder(self, appointment_id: int) -> None:
    with transaction.atomic():
        entry, _ = ReminderLog.objects.select_for_update().get_or_create(  # ok: DB005
            appointment_id=appointment_id, kind="sms-24h"
        )
        if entry.sent_at is not None:
            return
        appt = Appointment.objects.select_related("donor", "slot__drive").get(pk=appointment_id)
        if appt.status != "booked" or not appt.donor.sms_opt_in:
            return
        try:
            resp = sns.publish(  # ok: REL003
                PhoneNumber=appt.donor.phone,
                Message=(
                    f"GiveBlood reminder: tomorrow {appt.slot.starts_at:%H:%M} at "
                    f"{appt.slot.drive.venue}. Reply STOP to opt out."
                ),
                MessageAttributes={
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                },
            )
        except ClientError as exc:
            raise self.retry(exc=exc)
        entry.sent_at = timezone.now()
        entry.provider_id = resp["MessageId"]
        entry.save(update_fields=["sent_at", "provider_id"])


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_thank_you(self, donation_id: int) -> None:
    donation = Donation.objects.select_related("donor__user", "appointment").get(pk=donation_id)
    if donation.appointment_id is None:
        return
    entry, _ = ReminderLog.objects.get_or_create(appointment_id=donation.appointment_id, kind="email-thanks")
    if entry.sent_at:
        return
    msg = EmailMessage()
    msg["Subject"] = "Thank you for donating blood"
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = donation.donor.user.email
    msg.set_content(f"Thank you, {donation.donor.user.first_name}. Your donation could help save three lives.")
    try:
        with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=15) as smtp:  # ok: REL001, RES001
            smtp.starttls(context=ssl.create_default_context())
            smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise self.retry(exc=exc)
    ReminderLog.objects.filter(pk=entry.pk).update(sent_at=timezone.now())
