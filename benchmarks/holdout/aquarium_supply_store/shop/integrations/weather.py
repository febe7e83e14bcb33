"""Forecast checks before a live-stock box is handed to the carrier.

Fish and corals die in a box that sits on a hot or freezing dock, so a
shipment to a destination outside the configured range is held.
"""
import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import httpx
from flask import current_app

log = logging.getLogger(__name__)

_client = httpx.Client(timeout=httpx.Timeout(4.0, connect=2.0), headers={"Accept": "application/json"})


class ForecastUnavailable(Exception):
    pass


@dataclass(frozen=True)
class ShippingDecision:
    allowed: bool
    reason: str = ""
    hold: bool = False


@lru_cache(maxsize=2048)  # ok: RES002
def _forecast(base_url: str, zip3: str, day_iso: str) -> tuple[int, int]:
    """Low/high in Fahrenheit for a 3-digit ZIP prefix on one day.

    Failures raise instead of returning a value, so an outage is never cached.
    """
    try:
        resp = _client.get(f"{base_url}/daily", params={"zip3": zip3, "date": day_iso})
        resp.raise_for_status()
        body = resp.json()
        return int(body["low_f"]), int(body["high_f"])
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise ForecastUnavailable(f"forecast for {zip3} on {day_iso}") from exc


def shipping_allowed(zip_code: str, ship_day: date) -> ShippingDecision:
    cfg = current_app.config
    weekday = ship_day.strftime("%a").upper()
    if weekday not in cfg["LIVESTOCK_SHIP_DAYS"]:
        return ShippingDecision(False, "livestock ships Monday to Wednesday only")
    if len(zip_code) < 5 or not zip_code[:5].isdigit():
        return ShippingDecision(False, "a valid shipping ZIP code is required")

    try:
        low, high = _forecast(cfg["WEATHER_API_URL"], zip_code[:3], ship_day.isoformat())
    except ForecastUnavailable:
        log.warning("forecast unavailable zip3=%s day=%s, holding shipment", zip_code[:3], ship_day, exc_info=True)
        return ShippingDecision(False, "forecast_unavailable", hold=True)

    if low < cfg["LIVESTOCK_MIN_TEMP_F"]:
        return ShippingDecision(False, f"forecast low of {low}F is too cold for live shipping", hold=True)
    if high > cfg["LIVESTOCK_MAX_TEMP_F"]:
        return ShippingDecision(False, f"forecast high of {high}F is too hot for live shipping", hold=True)
    return ShippingDecision(True)


def clear_forecast_cache() -> None:
    _forecast.cache_clear()
