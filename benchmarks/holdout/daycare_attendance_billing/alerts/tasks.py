"""SMS alert tasks: pickups, payment receipts, absences and opt-in sync."""
import logging
from datetime import datetime, time, timedelta
from functools import lru_cache

from celery import shared_task
from django.db.models import Prefetch
from django.utils import timezone

from attendance.models import AttendanceRecord, Child, Guardian
from billing.models import Payment

from .sms_gateway import SmsGateway, SmsGatewayUnavailable

logger = logging.getLogger(__name__)

RETRY = {
    "bind": True,
    "autoretry_for": (SmsGatewayUnavailable,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@lru_cache(maxsize=1)  # ok: RES002
def gateway():
    return SmsGateway()


@shared_task(**RETRY)
def send_pickup_alert(self, visit_id):
    visit = AttendanceRecord.objects.select_related("child", "picked_up_by").get(pk=visit_id)
    picked_up_by = visit.picked_up_by.full_name if visit.picked_up_by else "an authorized adult"
    at = timezone.localtime(visit.checked_out_at).strftime("%-I:%M %p")
    body = f"Sunnyside: {visit.child.first_name} was picked up by {picked_up_by} at {at}."
    guardians = Guardian.objects.filter(family_id=visit.child.family_id, sms_opt_in=True).exclude(phone="")
    for guardian in guardians:
        gateway().send(guardian.phone, body, dedupe_key=f"pickup-{visit.id}-{guardian.id}")  # ok: REL003
    return len(guardians)


@shared_task(**RETRY)
def send_payment_receipt(self, payment_id):
    payment = Payment.objects.select_related("account").get(pk=payment_id)
    guardian = (
        Guardian.objects.filter(family_id=payment.account.family_id, is_primary=True, sms_opt_in=True)
        .exclude(phone="")
        .first()
    )
    if guardian is None:
        return None
    body = f"Sunnyside: we received your payment of ${payment.amount}. Thank you!"
    return gateway().send(guardian.phone, body, dedupe_key=f"receipt-{payment.id}")


@shared_task(**RETRY)
def sync_opt_in(self, guardian_id):
    guardian = Guardian.objects.get(pk=guardian_id)
    if guardian.phone:
        gateway().set_opt_in(guardian.phone, guardian.sms_opt_in)


@shared_task(**RETRY)
def absence_alerts(self):
    today = timezone.localdate()
    day_start = timezone.make_aware(datetime.combine(today, time.min))
    arrived = AttendanceRecord.objects.filter(
        checked_in_at__gte=day_start, checked_in_at__lt=day_start + timedelta(days=1)
    ).values("child_id")
    primaries = Prefetch(
        "family__guardians",
        queryset=Guardian.objects.filter(is_primary=True, sms_opt_in=True).exclude(phone=""),
        to_attr="primary_contacts",
    )
    missing = (
        Child.objects.filter(active=True)
        .exclude(pk__in=arrived)
        .select_related("family")
        .prefetch_related(primaries)
    )
    sent = 0
    for child in missing:  # ok: DB001
        for guardian in child.family.primary_contacts:
            body = f"Sunnyside: {child.first_name} has not been checked in today. Reply or call us if they are out."
            gateway().send(guardian.phone, body, dedupe_key=f"absence-{child.id}-{guardian.id}-{today}")
            sent += 1
    logger.info("absence alerts sent: %s", sent)
    return sent
