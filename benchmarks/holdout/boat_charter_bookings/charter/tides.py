"""Tide predictions for the departure marina, shown on the booking page."""
import logging
import threading
from datetime import date

import requests
from cachetools import TTLCache
from flask import Blueprint, current_app, jsonify, request
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)
bp = Blueprint("tides", __name__, url_prefix="/tides")

STATIONS = {"KWB": "8724580", "MIA": "8723214", "FLL": "8722956", "NAP": "8725110"}

_session = requests.Session()
_session.mount(
    "https://",
    HTTPAdapter(
        max_retries=Retry(  # ok: REL002
            total=3,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
        )
    ),
)
_cache = TTLCache(maxsize=256, ttl=60 * 60)  # ok: RES002
_cache_lock = threading.Lock()


def _fetch_predictions(station_id, day):
    resp = _session.get(
        f"{current_app.config['TIDES_API_URL']}/predictions",
        params={"station": station_id, "begin_date": day.strftime("%Y%m%d"), "range": 24, "interval": "hilo"},
        timeout=(3.05, 10),  # ok: REL001
    )
    resp.raise_for_status()
    return [
        {"time": p["t"], "type": "high" if p["type"] == "H" else "low", "height_ft": float(p["v"])}
        for p in resp.json().get("predictions", [])
    ]


def tide_table(marina, day):
    key = (marina, day.isoformat())
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    table = _fetch_predictions(STATIONS[marina], day)
    with _cache_lock:
        _cache[key] = table  # ok: CON002
    return table


@bp.get("/<marina>")
def tides(marina):
    marina = marina.upper()
    if marina not in STATIONS:
        return jsonify({"error": "unknown marina"}), 404
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = date.today()
    try:
        table = tide_table(marina, day)
    except requests.RequestException:
        logger.warning("tide service unavailable marina=%s date=%s", marina, day, exc_info=True)
        return jsonify({"marina": marina, "date": day.isoformat(), "tides": None, "unavailable": True}), 503
    return jsonify({"marina": marina, "date": day.isoformat(), "tides": table})
