"""Food-safety SMS alerts when a fridge reads warm.

Fridges post a temperature reading every five minutes; beat checks recent
readings every fifteen and texts the fridge's subscribed volunteers.
"""
import logging
from datetime import timedelta
from decimal import Decimal

from celery import shared_task
from django.utils import timezone

from ..integrations import sms_gateway
from ..models import AlertSubscription, Fridge, TemperatureReading

logger = logging.getLogger(__name__)

WARM_THRESHOLD_C = Decimal("8.0")
ALERT_COOLDOWN = timedelta(hours=1)
MAX_RECIPIENTS = 200


def _alert_text(fridge, reading):
    return (
        f"FOOD SAFETY: {fridge.name} read {reading.celsius}C at {timezone.localtime(reading.recorded_at):%H:%M}. "
        "If you are nearby please check the door seal and move chilled items to the cool box. "
        "Reply STOP to unsubscribe."
    )


@shared_task(
    bind=True,
    autoretry_for=(sms_gateway.SmsGatewayError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def alert_warm_fridge(self, reading_id):
    reading = TemperatureReading.objects.select_related("fridge").get(pk=reading_id)
    fridge = reading.fridge
    if reading.celsius < WARM_THRESHOLD_C:
        return 0
    if fridge.last_alert_at and timezone.now() - fridge.last_alert_at < ALERT_COOLDOWN:  # expect: DB005
        logger.info("fridge %s alerted recently, skipping reading %s", fridge.slug, reading.pk)
        return 0

    phones = list(
        AlertSubscription.objects.filter(fridge=fridge, active=True)
        .order_by("pk")
        .values_list("phone", flat=True)[:MAX_RECIPIENTS]
    )
    body = _alert_text(fridge, reading)
    for phone in phones:
        sms_gateway.send_sms(phone, body)  # expect: REL003

    Fridge.objects.filter(pk=fridge.pk).update(last_alert_at=timezone.now())
    logger.info("warm alert for fridge %s (reading %s) sent to %d volunteers", fridge.slug, reading.pk, len(phones))
    return len(phones)


@shared_task
def check_latest_readings():
    """Queue an alert for the warmest recent reading of each warm fridge."""
    since = timezone.now() - timedelta(minutes=15)
    warm = (
        TemperatureReading.objects.filter(recorded_at__gte=since, celsius__gte=WARM_THRESHOLD_C)
        .order_by("fridge_id", "-celsius")
        .distinct("fridge_id")
        .values_list("pk", "fridge_id")
    )
    queued = 0
    for reading_id, fridge_id in warm:
        alert_warm_fridge.delay(reading_id)
        queued += 1
    if queued:
        logger.warning("%d fridges reading warm; alerts queued", queued)
    return queued
