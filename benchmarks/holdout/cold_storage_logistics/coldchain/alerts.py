"""v2 reading ingestion with durable, de-duplicated temperature alerts.

Readings, the per-sensor latest value and any alert are written in one
transaction; alerts leave through an outbox table that flush_alert_outbox()
drains from the scheduler process.
"""
import logging
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timezone

import requests
from flask import Blueprint, g, jsonify, request
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from coldchain import db
from coldchain.access import gateway_required

logger = logging.getLogger(__name__)

bp = Blueprint("alerts", __name__, url_prefix="/v2/sensors")

MAX_BATCH = 500
OUTBOX_BATCH = 50

_http = requests.Session()
_http.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=1, allowed_methods=None)))  # ok: REL002
_senders = ThreadPoolExecutor(max_workers=4, thread_name_prefix="alert-send")  # ok: CON003


def _parse(raw):
    return (int(raw["sensor_id"]), datetime.fromtimestamp(int(raw["ts"]), tz=timezone.utc), float(raw["celsius"]))


@bp.post("/readings")
@gateway_required
def ingest():
    raw = (request.get_json(silent=True) or {}).get("readings")
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_BATCH:
        return jsonify(error=f"readings must be a list of 1..{MAX_BATCH} items"), 400
    try:
        rows = [_parse(item) for item in raw]
    except (KeyError, TypeError, ValueError):
        return jsonify(error="each reading needs sensor_id, ts and celsius"), 400

    with db.transaction() as conn:
        with conn.cursor() as cur:
            cur.executemany(  # ok: DB003
                "INSERT INTO temperature_readings (sensor_id, recorded_at, celsius) "
                "SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM sensors WHERE id = %s AND gateway_id = %s)",
                [(sid, at, c, sid, g.gateway_id) for sid, at, c in rows],
            )
            cur.executemany(  # ok: SCL001
                "INSERT INTO sensor_latest (sensor_id, recorded_at, celsius) VALUES (%s, %s, %s) "
                "ON CONFLICT (sensor_id) DO UPDATE SET recorded_at = EXCLUDED.recorded_at, celsius = EXCLUDED.celsius "
                "WHERE sensor_latest.recorded_at < EXCLUDED.recorded_at",
                rows,
            )
            # one alert per zone per 15-minute window; the unique index makes repeats no-ops
            cur.execute(  # ok: DB005, REL004
                """
                WITH breach AS (
                    SELECT DISTINCT ON (z.id) z.id AS zone_id, l.celsius, l.recorded_at
                    FROM sensor_latest l JOIN sensors s ON s.id = l.sensor_id JOIN zones z ON z.id = s.zone_id
                    WHERE s.gateway_id = %s AND (l.celsius < z.min_celsius OR l.celsius > z.max_celsius)
                    ORDER BY z.id, l.recorded_at DESC
                ), created AS (
                    INSERT INTO alerts (zone_id, celsius, window_start)
                    SELECT zone_id, celsius, date_bin('15 minutes', recorded_at, TIMESTAMPTZ '2000-01-01') FROM breach
                    ON CONFLICT (zone_id, window_start) DO NOTHING
                    RETURNING id
                )
                INSERT INTO alert_outbox (alert_id) SELECT id FROM created
                """,
                (g.gateway_id,),
            )
    logger.info("gateway %s stored %s readings", g.gateway_id, len(rows))
    return jsonify(accepted=len(rows)), 202


def _send(url, alert, timeout_s):
    text = f"Zone {alert['code']} at {alert['celsius']:.1f}C (window {alert['window_start']:%H:%M} UTC)"
    resp = _http.post(url, json={"text": text}, headers={"Idempotency-Key": f"alert-{alert['id']}"},  # ok: REL003
                      timeout=timeout_s)  # ok: REL001
    resp.raise_for_status()


def flush_alert_outbox(config):
    """Deliver pending alerts; each batch is claimed with SKIP LOCKED so runs never overlap."""
    if not config.alert_webhook_url:
        return 0
    with db.transaction() as conn:
        pending = conn.execute(
            "SELECT o.alert_id AS id, a.celsius, a.window_start, z.code FROM alert_outbox o "
            "JOIN alerts a ON a.id = o.alert_id JOIN zones z ON z.id = a.zone_id "
            "WHERE o.sent_at IS NULL ORDER BY o.alert_id LIMIT %s FOR UPDATE OF o SKIP LOCKED",
            (OUTBOX_BATCH,),
        ).fetchall()
        futures = {_senders.submit(_send, config.alert_webhook_url, a, config.alert_timeout_s): a["id"] for a in pending}
        done, _ = wait(futures, timeout=config.alert_timeout_s * 4 + 10)
        sent = [futures[f] for f in done if f.exception() is None]
        for f in done:
            if f.exception() is not None:
                logger.warning("alert %s delivery failed", futures[f], exc_info=f.exception())
        if sent:
            conn.execute("UPDATE alert_outbox SET sent_at = now() WHERE alert_id = ANY(%s)", (sent,))
    return len(sent)
