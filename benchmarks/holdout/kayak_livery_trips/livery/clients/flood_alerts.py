"""Client for the regional flood-alert feed, used to flag trips on high water."""
import logging
import threading

import requests
from cachetools import TTLCache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 10)
MAX_ALERTS = 50
SEVERE = {"Severe", "Extreme"}

_alert_cache = TTLCache(maxsize=256, ttl=300)  # ok: RES002
_cache_lock = threading.Lock()


def _build_session():
    session = requests.Session()
    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
    )
    session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=10))
    session.headers["User-Agent"] = "riverbend-livery/1.4 (ops@riverbendlivery.example)"
    return session


_session = _build_session()


class FloodFeedError(Exception):
    """The feed could not be reached or returned an error."""


def active_alerts(zone_code, base_url):
    """Active alerts for a forecast zone, cached for five minutes."""
    with _cache_lock:
        cached = _alert_cache.get(zone_code)
    if cached is not None:
        return cached
    try:
        resp = _session.get(f"{base_url}/alerts/active", params={"zone": zone_code}, timeout=TIMEOUT)
        resp.raise_for_status()
    except requests.RequestException as exc:
        logger.warning("flood feed unavailable for zone %s", zone_code, exc_info=True)
        raise FloodFeedError(zone_code) from exc
    alerts = [
        {
            "event": feature["properties"].get("event"),
            "severity": feature["properties"].get("severity"),
            "ends": feature["properties"].get("ends"),
        }
        for feature in resp.json().get("features", [])[:MAX_ALERTS]
    ]
    with _cache_lock:
        _alert_cache[zone_code] = alerts
    return alerts


def trip_at_risk(zone_code, base_url):
    """True/False from the feed, or None when the feed is down (staff decide)."""
    try:
        alerts = active_alerts(zone_code, base_url)
    except FloodFeedError:
        return None
    return any(alert["severity"] in SEVERE for alert in alerts)
