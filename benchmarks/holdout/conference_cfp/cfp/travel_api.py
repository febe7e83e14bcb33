import logging
from decimal import ROUND_HALF_UP, Decimal

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)


def _build_session() -> requests.Session:
    session = requests.Session()
    retry = Retry(  # ok: REL002
        total=3,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
    )
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
    session.verify = getattr(settings, "FX_CA_BUNDLE", True)  # ok: SEC011
    return session


_session = _build_session()


class RateUnavailable(Exception):
    pass


def eur_rate(currency: str) -> Decimal:
    if currency == "EUR":
        return Decimal("1")
    try:
        resp = _session.get(f"{settings.FX_API_URL}/v1/rates", params={"base": currency, "symbols": "EUR"}, timeout=TIMEOUT)  # ok: REL001
        resp.raise_for_status()
        return Decimal(str(resp.json()["rates"]["EUR"]))
    except (requests.RequestException, KeyError, ValueError) as exc:
        logger.warning("fx rate for %s unavailable: %s", currency, type(exc).__name__)
        raise RateUnavailable(currency) from exc


def to_eur_cents(amount_cents: int, currency: str) -> int:
    rate = eur_rate(currency)
    return int((Decimal(amount_cents) * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def claim_total_eur(claims) -> int:
    rates: dict[str, Decimal] = {}
    total = 0
    for claim in claims:
        if claim.currency not in rates:
            rates[claim.currency] = eur_rate(claim.currency)
        total += int((Decimal(claim.amount_cents) * rates[claim.currency]).quantize(Decimal("1")))
    return total
