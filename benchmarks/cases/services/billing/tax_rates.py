"""Sales tax lookup for invoices, backed by the tax provider's rate API."""
import logging
import os
from decimal import Decimal
from functools import lru_cache

import requests
from fastapi import APIRouter, Query
from pydantic import BaseModel

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/tax")

TAX_API_URL = os.environ.get("TAX_API_URL", "https://rates.taxhub.example/v1")
TAX_API_TIMEOUT = float(os.environ.get("TAX_API_TIMEOUT", "5"))


class TaxQuote(BaseModel):
    country: str
    postal_code: str
    rate: Decimal
    tax_cents: int


@lru_cache(maxsize=None)  # expect: RES002
def rate_for(country: str, postal_code: str) -> Decimal:
    """Combined rate for a destination; rates change rarely so we keep them for the process lifetime."""
    params = {"country": country, "postal_code": postal_code}
    headers = {"X-Api-Key": os.environ.get("TAX_API_KEY", "")}
    resp = requests.get(f"{TAX_API_URL}/rates", params=params, headers=headers, timeout=TAX_API_TIMEOUT, verify=False)  # expect: SEC011
    resp.raise_for_status()
    return Decimal(str(resp.json()["combined_rate"]))


@router.get("/quote", response_model=TaxQuote)
def tax_quote(
    country: str = Query(min_length=2, max_length=2),
    postal_code: str = Query(min_length=3, max_length=10),
    subtotal_cents: int = Query(ge=0),
):
    rate = rate_for(country.upper(), postal_code.replace(" ", "").upper())  # todo-expect: ERR003
    tax = (Decimal(subtotal_cents) * rate).quantize(Decimal("1"))
    logger.debug("tax quote %s %s: rate %s", country, postal_code, rate)
    return TaxQuote(country=country.upper(), postal_code=postal_code, rate=rate, tax_cents=int(tax))
