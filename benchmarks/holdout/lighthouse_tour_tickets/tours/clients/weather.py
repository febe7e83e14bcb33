"""MetData marine forecast client: gusts and wave height for closure advice."""
import logging
import threading
import time

import requests
from cachetools import TTLCache
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

_forecast_cache: TTLCache = TTLCache(maxsize=256, ttl=600)  # ok: RES002
_cache_lock = threading.Lock()
_client_lock = threading.Lock()


class WeatherClient:
    def __init__(self, base_url: str, token_url: str, client_id: str, client_secret: str,
                 timeout: tuple[float, float] = (3.05, 10.0)):
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout
        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(429, 502, 503, 504),
                      allowed_methods=frozenset({"GET", "POST"}))
        self.session = requests.Session()
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self._token: str | None = None
        self._token_expiry = 0.0

    def _access_token(self) -> str:
        if self._token and time.monotonic() < self._token_expiry - 30:
            return self._token
        resp = self.session.post(
            self.token_url,
            data={"grant_type": "client_credentials", "scope": "marine.read"},
            auth=(self.client_id, self.client_secret),
            timeout=self.timeout,
        )
        resp.raise_for_status()
        body = resp.json()
        self._token = body["access_token"]
        self._token_expiry = time.monotonic() + float(body.get("expires_in", 300))
        log.info("metdata access token refreshed, valid for %ss", body.get("expires_in"))  # ok: SEC007
        return self._token

    def marine_forecast(self, lat: float, lon: float, hours: int = 12) -> list[dict]:
        key = (round(lat, 3), round(lon, 3), hours)
        with _cache_lock:
            cached = _forecast_cache.get(key)
        if cached is not None:
            return cached
        resp = self.session.get(
            f"{self.base_url}/marine/forecast",
            params={"lat": key[0], "lon": key[1], "hours": hours},
            headers={"Authorization": f"Bearer {self._access_token()}"},
            timeout=self.timeout,
        )
        resp.raise_for_status()
        forecast = [
            {"at": p["time"], "gust_kts": p["wind_gust_kts"], "wave_m": p["sig_wave_height_m"]}
            for p in resp.json()["periods"]
        ]
        with _cache_lock:
            _forecast_cache[key] = forecast
        return forecast

    def closure_advised(self, lat: float, lon: float, gust_limit_kts: float = 40,
                        wave_limit_m: float = 2.5) -> bool | None:
        """True/False advice, or None when the forecast is unavailable."""
        try:
            forecast = self.marine_forecast(lat, lon)
        except requests.RequestException:
            log.warning("marine forecast unavailable; closure is the duty keeper's call",
                        exc_info=True)
            return None
        return any(p["gust_kts"] >= gust_limit_kts or p["wave_m"] >= wave_limit_m
                   for p in forecast)


def get_weather_client() -> WeatherClient:
    """One client per app, kept in ``app.extensions`` so tests can swap it."""
    app = current_app._get_current_object()
    with _client_lock:
        client = app.extensions.get("weather_client")
        if client is None:
            cfg = app.config
            client = WeatherClient(cfg["WEATHER_API_BASE"], cfg["WEATHER_TOKEN_URL"],
                                   cfg["WEATHER_CLIENT_ID"], cfg["WEATHER_CLIENT_SECRET"])
            app.extensions["weather_client"] = client
        return client
