"""Half-hourly interval export (settlement run) to the grid operator, triggered by the ops scheduler."""
import asyncio
import hmac
import logging
from datetime import datetime, timedelta, timezone

import aiohttp
from aiohttp import web

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_ATTEMPTS = 4
EXPORT_BATCH = 5_000


class ExportFailed(Exception):
    pass


async def export_intervals(app: web.Application, period_start: datetime) -> dict:
    settings = app["settings"]
    pool = app["db"]
    period_end = period_start + timedelta(minutes=30)

    session = aiohttp.ClientSession(  # expect: RES001
        base_url=settings.grid_api_url,
        headers={"Authorization": f"Bearer {settings.grid_api_token}"},
        timeout=aiohttp.ClientTimeout(total=settings.grid_timeout_seconds),  # ok: REL001
    )
    logger.debug("grid export client headers=%s", dict(session.headers))  # expect: SEC007

    rows = await pool.fetch(
        "SELECT m.mpan, sum(r.kwh) AS kwh, count(*) AS samples "
        "FROM readings r JOIN meters m ON m.id = r.meter_id "
        "WHERE r.read_at >= $1 AND r.read_at < $2 "
        "GROUP BY m.mpan ORDER BY m.mpan LIMIT $3",
        period_start, period_end, EXPORT_BATCH,
    )
    payload = {
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "intervals": [{"mpan": r["mpan"], "kwh": str(r["kwh"]), "samples": r["samples"]} for r in rows],
    }

    receipt = None
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            async with session.post("/v2/settlement/intervals", json=payload) as resp:  # expect: REL003
                resp.raise_for_status()
                receipt = await resp.json()
                break
        except (aiohttp.ClientError, asyncio.TimeoutError):
            logger.warning("interval export %s attempt %d failed", period_start, attempt, exc_info=True)
            await asyncio.sleep(2 ** attempt)
    if receipt is None:
        raise ExportFailed(f"interval export for {period_start} failed after {MAX_ATTEMPTS} attempts")

    await pool.execute(  # todo-expect: REL004
        "INSERT INTO interval_exports (period_start, meters, receipt_id, exported_at) VALUES ($1, $2, $3, now())",
        period_start, len(rows), receipt["submission_id"],
    )
    logger.info("exported %d meters for %s receipt=%s", len(rows), period_start, receipt["submission_id"])
    return receipt


@routes.post("/ops/exports/intervals")
async def run_interval_export(request: web.Request) -> web.Response:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(token, request.app["settings"].operator_api_token):
        raise web.HTTPUnauthorized(text="operator token required")
    body = await request.json()
    period_start = datetime.fromisoformat(body["period_start"]).astimezone(timezone.utc)
    if period_start.minute % 30 or period_start.second:
        raise web.HTTPBadRequest(text="period_start must be on a half-hour boundary")
    try:
        receipt = await export_intervals(request.app, period_start)
    except ExportFailed as exc:
        logger.warning("interval export failed: %s", exc)
        raise web.HTTPBadGateway(text=str(exc))
    return web.json_response({"submission_id": receipt["submission_id"]})
