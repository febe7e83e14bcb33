"""Marine forecasts used to accept or refuse a charter date."""
import logging
import time
from datetime import date, timedelta

import requests
from flask import Blueprint, current_app, jsonify, request

logger = logging.getLogger(__name__)
bp = Blueprint("weather", __name__, url_prefix="/weather")

MARINAS = {
    "KWB": (24.5551, -81.7800),
    "MIA": (25.7781, -80.1867),
    "FLL": (26.1224, -80.1373),
    "NAP": (26.1420, -81.7948),
}
MAX_GUST_KN = 30
_forecast_cache: dict[tuple[str, str], dict] = {}


def _fetch(lat, lon, day):
    cfg = current_app.config
    while True:  # expect: REL002
        try:
            resp = requests.get(  # expect: REL001
                f"{cfg['WEATHER_API_URL']}/marine",
                params={"lat": lat, "lon": lon, "date": day.isoformat(), "units": "kn"},
                headers={"X-Api-Key": cfg["WEATHER_API_KEY"]},
            )
            if resp.status_code == 429 or resp.status_code >= 500:
                logger.warning("weather api busy status=%s, retrying", resp.status_code)
                time.sleep(5)
                continue
            resp.raise_for_status()
            return resp.json()
        except requests.ConnectionError:
            logger.warning("weather api unreachable, retrying")
            time.sleep(5)


def _summarise(payload):
    hours = payload.get("hourly", [])
    return {
        "max_wind_kn": max((h["wind_kn"] for h in hours), default=0),
        "gusts_kn": max((h["gust_kn"] for h in hours), default=0),
        "wave_m": max((h["wave_m"] for h in hours), default=0),
        "advisory": payload.get("advisory"),
    }


def marine_forecast(marina, day):
    key = (marina, day.isoformat())
    if key in _forecast_cache:
        return _forecast_cache[key]
    lat, lon = MARINAS[marina]
    summary = _summarise(_fetch(lat, lon, day))
    summary["safe"] = summary["gusts_kn"] <= MAX_GUST_KN and not summary["advisory"]
    _forecast_cache[key] = summary  # expect: RES002, CON002
    return summary


def refresh_forecasts():
    """Scheduled every 30 minutes: re-pull the forecasts we already hold."""
    today = date.today()
    for marina, day_iso in list(_forecast_cache):
        if date.fromisoformat(day_iso) < today:
            continue
        try:
            lat, lon = MARINAS[marina]
            summary = _summarise(_fetch(lat, lon, date.fromisoformat(day_iso)))
            summary["safe"] = summary["gusts_kn"] <= MAX_GUST_KN and not summary["advisory"]
            _forecast_cache[(marina, day_iso)] = summary
        except Exception:  # expect: ERR001
            pass


@bp.get("/<marina>")
def forecast(marina):
    marina = marina.upper()
    if marina not in MARINAS:
        return jsonify({"error": "unknown marina"}), 404
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = date.today() + timedelta(days=1)
    return jsonify({"marina": marina, "date": day.isoformat(), **marine_forecast(marina, day)})
