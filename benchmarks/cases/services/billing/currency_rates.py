"""Currency conversion for multi-currency invoices, backed by the FX provider's daily rates."""
import logging
import os
from datetime import date
from decimal import Decimal
from functools import lru_cache

import requests
from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/fx")

FX_API_URL = os.environ.get("FX_API_URL", "https://fx.ratesource.example/v2")
FX_CA_BUNDLE = os.environ.get("FX_CA_BUNDLE", "/etc/ssl/certs/fx-provider.pem")
SUPPORTED = frozenset({"USD", "EUR", "GBP", "CAD", "AUD", "JPY"})


class Conversion(BaseModel):
    source: str
    target: str
    rate: Decimal
    amount_cents: int
    converted_cents: int


@lru_cache(maxsize=256)  # ok: RES002
def daily_rate(source: str, target: str, day: date) -> Decimal:
    """Rates are published once a day, so (pair, day) is a stable cache key."""
    params = {"base": source, "symbols": target}
    headers = {"Authorization": f"Bearer {os.environ.get('FX_API_TOKEN', '')}"}
    url = f"{FX_API_URL}/rates/{day.isoformat()}"
    resp = requests.get(url, params=params, headers=headers, timeout=(3.05, 10), verify=FX_CA_BUNDLE)  # ok: SEC011
    resp.raise_for_status()
    return Decimal(str(resp.json()["rates"][target]))


@router.get("/convert", response_model=Conversion)
def convert(source: str = Query(), target: str = Query(), amount_cents: int = Query(ge=0)):
    source, target = source.upper(), target.upper()
    if source not in SUPPORTED or target not in SUPPORTED:
        raise HTTPException(status_code=422, detail="unsupported currency")
    try:
        rate = daily_rate(source, target, date.today())
    except requests.RequestException:
        logger.exception("FX provider unavailable for %s/%s", source, target)
        raise HTTPException(status_code=503, detail="exchange rates temporarily unavailable")
    converted = (Decimal(amount_cents) * rate).quantize(Decimal("1"))
    return Conversion(source=source, target=target, rate=rate, amount_cents=amount_cents, converted_cents=int(converted))
