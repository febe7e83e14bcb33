"""RQ jobs that refresh stored forecasts for the website's conditions page.

A Kubernetes CronJob runs ``python -m shack.forecast.jobs`` every half hour;
that enqueues one refresh for the RQ workers, so forecasts are fetched once for
the whole site rather than once per web process.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from pymongo import UpdateOne

from shack.config import load_config
from shack.db import db_for, get_queue
from shack.forecast.client import ForecastClient, ForecastUnavailable
from shack.forecast.tides import TideClient, TidesUnavailable

logger = logging.getLogger(__name__)

HOURS_AHEAD = 12


def refresh_forecasts() -> int:
    """Fetch the next hours for every spot and upsert them in one bulk write."""
    cfg = load_config()
    db = db_for(cfg)
    forecasts = ForecastClient(cfg.forecast_base_url)
    tides = TideClient(cfg.tides_base_url)
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    writes = []
    for spot in db.spots.find({}, {"_id": 1, "tide_station": 1}).limit(50):
        for offset in range(HOURS_AHEAD):
            hour = now + timedelta(hours=offset)
            try:
                conditions = forecasts.conditions_for(spot["_id"], hour)
            except ForecastUnavailable:
                continue
            conditions["rating"] = ForecastClient.rating(conditions)
            writes.append(
                UpdateOne(
                    {"spot_id": spot["_id"], "hour": hour},
                    {"$set": {**conditions, "fetched_at": datetime.now(timezone.utc)}},
                    upsert=True,
                )
            )
        try:
            low = tides.next_low_tide(spot["tide_station"], now)
        except (KeyError, TidesUnavailable):
            low = None
        db.spots.update_one({"_id": spot["_id"]}, {"$set": {"next_low_tide": low.at if low else None}})
    if writes:
        db.forecasts.bulk_write(writes, ordered=False)
    logger.info("refreshed %d forecast hours", len(writes))
    return len(writes)


def enqueue_refresh() -> str:
    """Queue one refresh; the job id is the half-hour slot, so repeats collapse."""
    now = datetime.now(timezone.utc)
    slot = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
    job_id = f"forecast-refresh-{slot:%Y%m%d%H%M}"
    queue = get_queue(load_config(), "forecast")
    if queue.fetch_job(job_id) is None:
        queue.enqueue(refresh_forecasts, job_id=job_id, job_timeout=600, result_ttl=3600)  # ok: SCL003
    return job_id


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    queued = enqueue_refresh()
    print(f"forecast refresh queued as {queued}")  # ok: OBS001
