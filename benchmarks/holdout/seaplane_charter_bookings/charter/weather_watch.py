"""Weather watch: cancels departures whose origin is below operating minimums.

Runs every ten minutes and looks three hours ahead. Refunds for cancelled
flights are issued separately by the weather-refunds job.
"""
import logging
import time
from datetime import timedelta

import requests

from .models import Flight, db, utcnow

log = logging.getLogger(__name__)

LOOKAHEAD = timedelta(hours=3)
RETRY_DELAY_SECONDS = 5


def fetch_metar(base_url, station):
    """Latest METAR record (aviationweather.gov JSON shape) for one station."""
    while True:  # expect: REL002
        try:
            resp = requests.get(f"{base_url}/metar", params={"ids": station, "format": "json"})  # expect: REL001
            resp.raise_for_status()
            reports = resp.json()
            return reports[0] if reports else None
        except requests.RequestException:
            log.warning("METAR fetch for %s failed, retrying in %ss", station, RETRY_DELAY_SECONDS)
            time.sleep(RETRY_DELAY_SECONDS)


def below_minimums(report, min_visibility_sm, max_wind_kt):
    visibility = float(str(report.get("visib", "10")).rstrip("+"))
    wind = int(report.get("wspd") or 0)
    gust = int(report.get("wgst") or 0)
    return visibility < min_visibility_sm or max(wind, gust) > max_wind_kt


def evaluate_departures(app):
    """Cancel scheduled departures in the next three hours that are below minimums."""
    with app.app_context():
        cfg = app.config
        now = utcnow()
        flights = (Flight.query
                   .filter(Flight.status == "scheduled",
                           Flight.departs_at >= now,
                           Flight.departs_at < now + LOOKAHEAD)
                   .order_by(Flight.departs_at)
                   .all())
        cancelled = 0
        for flight in flights:
            try:
                report = fetch_metar(cfg["METAR_BASE_URL"], flight.origin)
                if report is None:
                    log.info("no METAR for %s, leaving flight %s as scheduled", flight.origin, flight.code)
                    continue
                if below_minimums(report, cfg["WEATHER_MIN_VISIBILITY_SM"], cfg["WEATHER_MAX_WIND_KT"]):
                    flight.status = "weather_cancelled"
                    flight.cancel_reason = (report.get("rawOb") or "below minimums")[:200]
                    db.session.commit()
                    cancelled += 1
                    log.info("flight %s cancelled for weather at %s", flight.code, flight.origin)
            except Exception:  # expect: ERR001
                continue
        log.info("weather watch checked %s departures, cancelled %s", len(flights), cancelled)
