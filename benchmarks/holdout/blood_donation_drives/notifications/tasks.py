"""Booking confirmations, venue-change notices and the nightly deferral refresh."""
import logging
import smtplib
import ssl
from email.message import EmailMessage

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from donors.eligibility import refresh_donor
from donors.models import Appointment, Donor, Drive, ReminderLog

log = logging.getLogger(__name__)
sns = boto3.client("sns", region_name=settings.AWS_REGION)


def _confirmation_email(appt: Appointment) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = "Your blood donation appointment"
    msg["From"] = settings.DEFAULT_FROM_EMAIL
    msg["To"] = appt.donor.user.email
    msg.set_content(
        f"Hello {appt.donor.user.first_name},\n\n"
        f"You're booked to donate at {appt.slot.drive.venue} on "
        f"{appt.slot.starts_at:%A %d %B at %H:%M}.\n"
        "Please eat and drink well beforehand. Thank you!\n"
    )
    return msg


@shared_task(bind=True, autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=True, max_retries=5)
def send_booking_confirmation(self, appointment_id: int) -> None:
    appt = Appointment.objects.select_related("donor__user", "slot__drive").get(pk=appointment_id)
    smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)  # expect: REL001, RES001
    smtp.starttls(context=ssl.create_default_context())
    smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    smtp.send_message(_confirmation_email(appt))
    smtp.quit()
    ReminderLog.objects.update_or_create(
        appointment=appt, kind="email-confirm", defaults={"sent_at": timezone.now()}
    )


@shared_task(
    bind=True,
    autoretry_for=(ClientError, EndpointConnectionError),
    retry_backoff=30,
    max_retries=3,
)
def notify_venue_change(self, drive_id: int) -> int:
    drive = Drive.objects.get(pk=drive_id)
    booked = Appointment.objects.filter(slot__drive=drive, status="booked")
    sent = 0
    for appt in booked:
        donor = appt.donor  # expect: DB001
        if not donor.sms_opt_in or not donor.phone:
            continue
        sns.publish(  # expect: REL003
            PhoneNumber=donor.phone,
            Message=f"GiveBlood: your donation on {drive.date:%d %b} has moved to {drive.venue}. "
            "Reply STOP to opt out.",
            MessageAttributes={
                "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": settings.SMS_SENDER_ID},
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            },
        )
        sent += 1
    print(f"venue change for drive {drive_id}: {sent} messages sent")  # expect: OBS001
    return sent


@shared_task
def refresh_deferrals() -> None:
    today = timezone.localdate()
    due = Donor.objects.filter(eligibility="deferred", deferred_until__lte=today).only(
        "id", "national_id", "date_of_birth", "donation_count", "deferred_until", "last_donation_on"
    )
    changed = 0
    for donor in due.iterator(chunk_size=500):
        if refresh_donor(donor).eligible:
            changed += 1
    log.info("deferral refresh: %s donors eligible again", changed)
