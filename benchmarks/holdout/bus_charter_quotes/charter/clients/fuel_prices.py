"""Partner fuel-price feed: regional diesel prices used to price charter quotes."""
import logging
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import requests
from flask import current_app

logger = logging.getLogger(__name__)

REGIONS = frozenset({"ON-GTA", "ON-EAST", "ON-NORTH", "QC-MTL", "QC-QC"})
CACHE_TTL = timedelta(minutes=30)

# region -> (fetched_at, price per litre); at most len(REGIONS) entries.
_prices: dict[str, tuple[datetime, Decimal]] = {}  # ok: RES002


class FuelPriceError(Exception):
    pass


def _fetch(region: str) -> Decimal:
    cfg = current_app.config
    url = f"{cfg['FUEL_API_URL']}/diesel/retail"
    params = {"region": region, "apikey": cfg["FUEL_API_KEY"]}
    logger.debug("fuel price request %s %s", url, params)  # expect: SEC007
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = requests.get(url, params=params)  # expect: REL001
            if resp.status_code == 200:
                return Decimal(str(resp.json()["price_per_litre"]))
            logger.warning("fuel API returned %s for %s (attempt %d)", resp.status_code, region, attempt)
        except requests.ConnectionError:
            logger.warning("fuel API unreachable (attempt %d)", attempt)
        time.sleep(1)


def diesel_price(region: str) -> Decimal:
    """Price per litre of diesel for a region, cached for half an hour."""
    if region not in REGIONS:
        raise FuelPriceError(f"unknown region {region!r}")
    now = datetime.now(timezone.utc)
    cached = _prices.get(region)
    if cached and now - cached[0] < CACHE_TTL:
        return cached[1]
    price = _fetch(region)
    _prices[region] = (now, price)  # ok: CON002
    return price


def estimate_fuel_cost(region: str, distance_km: float, litres_per_100km: float = 32.0) -> Decimal:
    """Fuel component of a quote for a coach of the usual consumption."""
    litres = Decimal(str(distance_km)) * Decimal(str(litres_per_100km)) / 100
    return (litres * diesel_price(region)).quantize(Decimal("0.01"))
