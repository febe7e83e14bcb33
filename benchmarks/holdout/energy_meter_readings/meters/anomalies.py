"""Daily anomaly scan: flag meters whose consumption jumps far above their baseline."""
import asyncio
import logging
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from aiohttp import web

from meters.legacy_notify import format_alert, post_alert

logger = logging.getLogger(__name__)

SCAN_INTERVAL_SECONDS = 15 * 60


def _deliver(url: str, token: str, meter_id: str, detail: str) -> bool:
    return post_alert(url, format_alert(meter_id, "consumption_anomaly", detail), token)


async def scan_day(app: web.Application, day: date) -> int:
    pool = app["db"]
    settings = app["settings"]
    totals = await pool.fetch(
        "SELECT meter_id, sum(kwh) AS kwh FROM readings "
        "WHERE date_trunc('day', read_at) = $1 GROUP BY meter_id",  # expect: DB006
        datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc),
    )
    if not totals:
        return 0
    baselines = {
        r["meter_id"]: r["p95_daily_kwh"]
        for r in await pool.fetch(  # ok: DB001
            "SELECT meter_id, p95_daily_kwh FROM meter_baselines WHERE meter_id = ANY($1::text[])",
            [t["meter_id"] for t in totals],
        )
    }
    already = {
        r["meter_id"]
        for r in await pool.fetch("SELECT meter_id FROM anomaly_alerts WHERE day = $1", day)
    }

    raised = 0
    for total in totals:
        baseline = baselines.get(total["meter_id"])
        if baseline is None or total["meter_id"] in already:
            continue
        if Decimal(total["kwh"]) <= Decimal(baseline) * settings.anomaly_factor:
            continue
        detail = f"{total['kwh']} kWh on {day:%Y-%m-%d}, p95 baseline {baseline} kWh"
        delivered = _deliver(settings.alert_webhook_url, settings.alert_webhook_token, total["meter_id"], detail)  # expect: CON001
        await pool.execute(
            "INSERT INTO anomaly_alerts (meter_id, day, kwh, baseline_kwh, delivered) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (meter_id, day) DO NOTHING",
            total["meter_id"], day, total["kwh"], baseline, delivered,
        )
        raised += 1
    return raised


async def anomaly_scan_loop(app: web.Application) -> None:
    while True:
        yesterday = datetime.now(timezone.utc).date() - timedelta(days=1)
        try:
            count = await scan_day(app, yesterday)
            if count:
                logger.info("raised %d consumption anomalies for %s", count, yesterday)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("anomaly scan for %s failed", yesterday)
        await asyncio.sleep(SCAN_INTERVAL_SECONDS)
