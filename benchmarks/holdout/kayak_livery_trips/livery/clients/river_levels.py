"""Client for the river gauge partner API (stage and discharge readings)."""
import logging
import time
from functools import lru_cache

import requests
from flask import current_app

logger = logging.getLogger(__name__)

RETRY_PAUSE_SECONDS = 2


def _fetch(path, params=None):
    base = current_app.config["RIVER_API_BASE"]
    headers = {"Authorization": f"Bearer {current_app.config['RIVER_API_TOKEN']}"}
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = requests.get(f"{base}{path}", params=params, headers=headers)  # expect: REL001
        except requests.ConnectionError:
            logger.warning("river API unreachable (attempt %s), retrying", attempt)
            time.sleep(RETRY_PAUSE_SECONDS)
            continue
        if resp.status_code >= 500:
            logger.warning("river API returned %s (attempt %s), retrying", resp.status_code, attempt)
            time.sleep(RETRY_PAUSE_SECONDS)
            continue
        resp.raise_for_status()
        return resp.json()


def latest_reading(gauge_id):
    """Most recent stage (ft) and discharge (cfs) for one gauge."""
    data = _fetch(f"/gauges/{gauge_id}/readings/latest")
    return {
        "stage_ft": float(data["stage"]["value"]),
        "flow_cfs": float(data["discharge"]["value"]),
        "observed_at": data["observed_at"],
    }


@lru_cache(maxsize=None)  # expect: RES002
def flow_history(gauge_id, start_iso, end_iso):
    """Hourly discharge between two dates, for the trip page's flow chart."""
    data = _fetch(
        f"/gauges/{gauge_id}/readings",
        params={"start": start_iso, "end": end_iso, "interval": "1h", "parameter": "discharge"},
    )
    return tuple(
        (point["t"], float(point["v"]))
        for point in data.get("points", [])
        if point.get("v") is not None
    )


def is_runnable(trip, min_cfs, max_cfs):
    """True when the section's current flow is inside its runnable band."""
    reading = latest_reading(trip.gauge_id)
    runnable = min_cfs <= reading["flow_cfs"] <= max_cfs
    logger.info(
        "trip %s gauge %s flow %.0f cfs (band %s-%s): %s",
        trip.id, trip.gauge_id, reading["flow_cfs"], min_cfs, max_cfs,
        "runnable" if runnable else "out of band",
    )
    return runnable
