"""HTTP ingestion for meters that push over the cellular APN, plus reading queries for operators."""
import hashlib
import hmac
import logging
import threading
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from aiohttp import web

from meters.legacy_notify import format_alert, post_alert

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

PUSH_LIMIT_PER_MINUTE = 12
MAX_READINGS_PER_PUSH = 96
_recent_pushes: dict[str, deque] = defaultdict(deque)


def _send_spike_alert(url: str, token: str, meter_id: str, kwh: Decimal) -> None:
    post_alert(url, format_alert(meter_id, "spike", f"{kwh} kWh in one interval"), token)


async def _authenticate_meter(request: web.Request, meter_id: str) -> None:
    presented = request.headers.get("X-Meter-Key", "")
    digest = hashlib.sha256(presented.encode()).hexdigest()  # ok: SEC009
    stored = await request.app["db"].fetchval("SELECT key_sha256 FROM meters WHERE id = $1", meter_id)
    if stored is None or not hmac.compare_digest(stored, digest):
        raise web.HTTPUnauthorized(text="unknown meter or bad key")


def _require_operator(request: web.Request) -> None:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(token, request.app["settings"].operator_api_token):
        raise web.HTTPUnauthorized(text="operator token required")


def _parse(meter_id: str, item: dict) -> tuple:
    try:
        read_at = datetime.fromisoformat(item["read_at"])
        kwh = Decimal(str(item["kwh"]))
    except (KeyError, ValueError, InvalidOperation) as exc:
        raise web.HTTPBadRequest(text=f"invalid reading: {exc}")
    if read_at.tzinfo is None or kwh < 0:
        raise web.HTTPBadRequest(text="read_at must be timezone-aware and kwh non-negative")
    return (meter_id, read_at, kwh, item.get("quality", "A"), "http")


@routes.post("/v1/meters/{meter_id}/readings")
async def push_readings(request: web.Request) -> web.Response:
    meter_id = request.match_info["meter_id"]
    await _authenticate_meter(request, meter_id)

    now = time.monotonic()
    window = _recent_pushes[meter_id]
    while window and now - window[0] > 60:
        window.popleft()
    if len(window) >= PUSH_LIMIT_PER_MINUTE:
        raise web.HTTPTooManyRequests(text="slow down")
    window.append(now)  # expect: SCL001

    body = await request.json()
    items = body.get("readings", [])
    if not items or len(items) > MAX_READINGS_PER_PUSH:
        raise web.HTTPBadRequest(text=f"send between 1 and {MAX_READINGS_PER_PUSH} readings")
    rows = [_parse(meter_id, item) for item in items]

    async with request.app["db"].acquire() as conn:
        await conn.executemany(  # ok: DB003
            "INSERT INTO readings (meter_id, read_at, kwh, quality, source) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (meter_id, read_at) DO NOTHING",
            rows,
        )
    await request.app["grid"].push_realtime(meter_id, rows)  # todo-expect: ERR003

    settings = request.app["settings"]
    for _, read_at, kwh, _, _ in rows:
        if kwh > settings.spike_kwh_per_interval:
            threading.Thread(  # expect: CON003
                target=_send_spike_alert,
                args=(settings.alert_webhook_url, settings.alert_webhook_token, meter_id, kwh),
                daemon=True,
            ).start()
    return web.json_response({"accepted": len(rows)}, status=202)


@routes.get("/v1/meters/{meter_id}/readings")
async def list_readings(request: web.Request) -> web.Response:
    _require_operator(request)
    meter_id = request.match_info["meter_id"]
    since = request.query.get("since")
    start = datetime.fromisoformat(since) if since else datetime.now(timezone.utc) - timedelta(days=30)
    records = await request.app["db"].fetch(  # expect: DB002
        "SELECT read_at, kwh, quality, source FROM readings WHERE meter_id = $1 AND read_at >= $2 ORDER BY read_at",
        meter_id,
        start,
    )
    return web.json_response(
        {
            "meter_id": meter_id,
            "readings": [
                {"read_at": r["read_at"].isoformat(), "kwh": str(r["kwh"]), "quality": r["quality"], "source": r["source"]}
                for r in records
            ],
        }
    )
