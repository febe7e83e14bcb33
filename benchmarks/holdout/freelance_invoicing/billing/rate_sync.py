"""Nightly sync of exchange rates into ExchangeRate, so reports can convert without the API."""
import logging
from datetime import date
from decimal import Decimal

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from billing.models import ExchangeRate

logger = logging.getLogger(__name__)

SUPPORTED = ("EUR", "USD", "GBP", "CHF", "SEK", "PLN")
TIMEOUT = (3.05, 15)


def _session() -> requests.Session:
    retry = Retry(
        total=4,
        backoff_factor=1.0,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["Authorization"] = f"Bearer {settings.FX_API_KEY}"
    return session


def fetch_rates(session: requests.Session, base: str, day: date) -> dict[str, Decimal]:
    resp = session.get(  # ok: REL001
        f"{settings.FX_API_URL}/{day.isoformat()}",
        params={"base": base, "symbols": ",".join(SUPPORTED)},
        timeout=TIMEOUT,
    )
    resp.raise_for_status()
    rates = resp.json()["rates"]
    return {quote: Decimal(str(rate)) for quote, rate in rates.items() if quote in SUPPORTED and quote != base}


@shared_task(  # ok: REL002
    bind=True,
    autoretry_for=(requests.RequestException,),
    retry_backoff=60,
    retry_jitter=True,
    max_retries=6,
)
def sync_daily_rates(self, day_iso: str | None = None) -> int:
    day = date.fromisoformat(day_iso) if day_iso else timezone.localdate()
    rows = []
    with _session() as session:
        for base in SUPPORTED:
            for quote, rate in fetch_rates(session, base, day).items():
                rows.append(ExchangeRate(base=base, quote=quote, day=day, rate=rate))
    with transaction.atomic():
        ExchangeRate.objects.bulk_create(  # ok: DB003, DB005
            rows,
            update_conflicts=True,
            unique_fields=["base", "quote", "day"],
            update_fields=["rate"],
        )
    logger.info("stored %d exchange rates for %s", len(rows), day)
    return len(rows)


def stored_rate(base: str, quote: str, day: date) -> Decimal | None:
    """Most recent stored rate on or before `day`."""
    return (
        ExchangeRate.objects.filter(base=base, quote=quote, day__lte=day)
        .order_by("-day")
        .values_list("rate", flat=True)
        .first()
    )
