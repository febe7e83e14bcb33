"""Currency conversion using the exchange-rate provider's daily rates."""
import logging
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF ", "SEK": "kr ", "PLN": "zł "}
RETRY_DELAY_SECONDS = 2


@lru_cache(maxsize=None)  # expect: RES002
def get_rate(base: str, quote: str, day: date) -> Decimal:
    """Rate to convert one unit of `base` into `quote` on `day`."""
    url = f"{settings.FX_API_URL}/{day.isoformat()}"
    params = {"base": base, "symbols": quote, "access_key": settings.FX_API_KEY}
    while True:  # expect: REL002
        try:
            resp = requests.get(url, params=params)  # expect: REL001
            resp.raise_for_status()
            return Decimal(str(resp.json()["rates"][quote]))
        except requests.RequestException as exc:
            logger.warning("rate lookup %s->%s for %s failed: %s; retrying", base, quote, day, exc)  # todo-expect: SEC007
            time.sleep(RETRY_DELAY_SECONDS)


def convert(amount: Decimal, base: str, quote: str, day: date) -> Decimal:
    base, quote = base.upper(), quote.upper()
    if base == quote:
        return amount
    return (amount * get_rate(base, quote, day)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    symbol = SYMBOLS.get(currency.upper(), f"{currency.upper()} ")
    return f"{symbol}{amount:,.2f}"


def conversion_preview(amount: Decimal, base: str, quote: str, day: date) -> dict:
    """Used by the freelancer app to show what an invoice total will be in the client's currency."""
    converted = convert(amount, base, quote, day)
    return {
        "amount": str(amount),
        "base": base.upper(),
        "quote": quote.upper(),
        "day": day.isoformat(),
        "converted": str(converted),
        "display": format_money(converted, quote),
    }
