"""Evening weather check: cancel tonight's nights when the sky will not cooperate.

Runs from celery beat at 15:00 UTC; observers and guests are told by email.
"""
import logging
from datetime import date
from smtplib import SMTPException

import requests
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Prefetch

from scheduling.models import ObservingNight, SlotRequest

logger = logging.getLogger(__name__)

CLOUD_LIMIT_PCT = 70
HUMIDITY_LIMIT_PCT = 90


def _is_unobservable(forecast: dict, max_wind_kmh: int) -> tuple[bool, str]:
    hours = forecast.get("night_hours", [])
    if not hours:
        raise ValueError("forecast has no night_hours block")
    clear = [h for h in hours if h["cloud_pct"] < CLOUD_LIMIT_PCT and h["humidity_pct"] < HUMIDITY_LIMIT_PCT]
    windy = [h for h in hours if h["wind_kmh"] > max_wind_kmh]
    if len(clear) < 2:
        return True, "cloud cover"
    if len(windy) > len(hours) // 2:
        return True, "high wind"
    return False, ""


@shared_task(
    bind=True,
    autoretry_for=(requests.RequestException, SMTPException),
    retry_backoff=True,
    max_retries=None,  # expect: REL002
)
def check_tonight_conditions(self):
    resp = requests.get(  # expect: REL001
        settings.WEATHER_FEED_URL,
        params={"site": settings.SITE_CODE, "date": date.today().isoformat()},
        headers={"Authorization": f"Bearer {settings.WEATHER_API_KEY}"},
    )
    resp.raise_for_status()
    forecast = resp.json()

    allocated = SlotRequest.objects.filter(status=SlotRequest.ALLOCATED).select_related("observer")
    nights = (
        ObservingNight.objects.filter(date=date.today(), status=ObservingNight.OPEN)
        .select_related("telescope")
        .prefetch_related(Prefetch("slot_requests", queryset=allocated, to_attr="allocated_slots"), "ticket_orders")
    )

    cancelled = 0
    for night in nights:
        unobservable, reason = _is_unobservable(forecast, night.telescope.max_wind_kmh)
        if not unobservable:
            continue

        subject = f"{night.telescope.name}: tonight ({night.date}) is cancelled"
        body = (
            f"The forecast for tonight shows {reason}, so observing on {night.telescope.name} "
            "is cancelled. Your hours will be credited back to your proposal."
        )
        for slot in night.allocated_slots:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [slot.observer.email])  # expect: REL003
        for order in night.ticket_orders.all():
            if order.status == "paid":
                send_mail(  # expect: REL003
                    subject,
                    "Sorry, tonight's guest evening is cancelled because of the weather. "
                    "We will refund your tickets within five working days.",
                    settings.DEFAULT_FROM_EMAIL,
                    [order.email],
                )

        ObservingNight.objects.filter(pk=night.pk).update(status=ObservingNight.CANCELLED)
        cancelled += 1
        logger.info("night %s cancelled for %s", night.pk, reason)

    return {"checked": len(nights), "cancelled": cancelled}
