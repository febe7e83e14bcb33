"""Marine forecast partner client, used for the sailing advisory banner.

One client per app (``app.extensions["marine_weather"]``); when the partner is
down the last good forecast is served, marked stale, for up to ten minutes.
"""
import logging
import threading

import requests
from cachetools import TTLCache
from flask import Blueprint, current_app, jsonify
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ferry import db
from ferry.models import Sailing

bp = Blueprint("weather", __name__, url_prefix="/api/weather")
logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)


class WeatherUnavailable(Exception):
    """The forecast could not be fetched and no recent copy is cached."""


class MarineWeatherClient:
    def __init__(self, base_url, token):
        self.base_url = base_url.rstrip("/")
        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504),
                      allowed_methods=frozenset({"GET"}))
        self.session = requests.Session()
        self.session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
        self.session.headers["Authorization"] = f"Bearer {token}"
        self._cache = TTLCache(maxsize=256, ttl=600)  # ok: RES002
        self._lock = threading.Lock()

    def forecast(self, port_code):
        key = port_code.upper()
        try:
            resp = self.session.get(f"{self.base_url}/forecast/{key}", timeout=TIMEOUT)
            resp.raise_for_status()
            data = resp.json()
        except requests.RequestException:
            with self._lock:
                cached = self._cache.get(key)
            if cached is None:
                raise WeatherUnavailable(key) from None
            logger.warning("forecast for %s unavailable, serving cached copy", key, exc_info=True)
            return {**cached, "stale": True}
        with self._lock:
            self._cache[key] = data  # ok: CON002
        return data


def init_app(app):
    cfg = app.config
    app.extensions["marine_weather"] = MarineWeatherClient(cfg["MARINE_WEATHER_URL"], cfg["MARINE_WEATHER_TOKEN"])
    app.register_blueprint(bp)


@bp.get("/sailings/<int:sailing_id>/advisory")
def sailing_advisory(sailing_id):
    sailing = db.get_or_404(Sailing, sailing_id)
    client = current_app.extensions["marine_weather"]
    try:
        forecast = client.forecast(sailing.origin_port)
    except WeatherUnavailable:
        return jsonify(sailing=sailing.id, level="unknown", message="Forecast temporarily unavailable")
    gusts = forecast.get("gust_knots", 0)
    level = "amber" if gusts >= 35 else "green"
    return jsonify(sailing=sailing.id, level=level, gust_knots=gusts, stale=forecast.get("stale", False))
