"""Client for the SkyClarity site-forecast API.

One pooled session per process, a connect/read timeout on every call, a small
bounded retry on idempotent GETs, and the last good forecast kept in the shared
cache so a feed outage degrades to a slightly stale forecast rather than none.
"""
import dataclasses
import functools
import logging
from datetime import date

import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CACHE_TTL_S = 3 * 3600


class WeatherUnavailable(Exception):
    """Neither the feed nor the cache could provide a forecast."""


@dataclasses.dataclass
class Forecast:
    site: str
    night_of: str
    night_hours: list
    stale: bool = False

    @classmethod
    def from_payload(cls, payload: dict) -> "Forecast":
        return cls(site=payload["site"], night_of=payload["date"], night_hours=payload["night_hours"])


class WeatherFeedClient:
    def __init__(self, base_url: str, api_key: str, ca_bundle: str | None = None, timeout=(3.05, 10)):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        retry = Retry(
            total=3,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
        )
        self.session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=4))
        self.session.headers["Authorization"] = f"Bearer {api_key}"
        if ca_bundle:
            self.session.verify = ca_bundle  # ok: SEC011

    def tonight(self, site: str) -> Forecast:
        today = date.today().isoformat()
        cache_key = f"weather:forecast:{site}:{today}"
        try:
            resp = self.session.get(  # ok: REL001
                self.base_url, params={"site": site, "date": today}, timeout=self.timeout
            )
            resp.raise_for_status()
            forecast = Forecast.from_payload(resp.json())
        except (requests.RequestException, KeyError, ValueError):
            logger.warning("forecast feed failed for site %s; trying cache", site, exc_info=True)
            cached = cache.get(cache_key)
            if cached is None:
                raise WeatherUnavailable(f"no forecast for {site} on {today}") from None
            return Forecast(**{**cached, "stale": True})

        cache.set(cache_key, dataclasses.asdict(forecast), timeout=CACHE_TTL_S)
        return forecast


@functools.lru_cache(maxsize=1)  # ok: RES002
def get_client() -> WeatherFeedClient:
    return WeatherFeedClient(
        settings.WEATHER_FEED_URL,
        settings.WEATHER_API_KEY,
        ca_bundle=settings.WEATHER_CA_BUNDLE,
    )
