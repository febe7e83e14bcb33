"""CSV export of a greenhouse's readings for growers' own spreadsheets."""
from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime, time, timedelta, timezone

from aiohttp import web
from sqlalchemy import select

from greenhouse.models import Greenhouse, Reading, Sensor, Zone

log = logging.getLogger("greenhouse.exports")

MAX_DAYS = 92
ROWS_PER_CHUNK = 2000


def _parse_range(query) -> tuple[datetime, datetime]:
    try:
        start = date.fromisoformat(query["from"])
        end = date.fromisoformat(query.get("to", date.today().isoformat()))
    except (KeyError, ValueError) as exc:
        raise web.HTTPBadRequest(text='{"error": "bad_date_range"}', content_type="application/json") from exc
    if end < start or (end - start).days > MAX_DAYS:
        raise web.HTTPBadRequest(text='{"error": "range_too_long"}', content_type="application/json")
    return (datetime.combine(start, time.min, tzinfo=timezone.utc),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc))


async def export_readings(request: web.Request) -> web.StreamResponse:
    greenhouse_id = int(request.match_info["greenhouse_id"])
    start, end = _parse_range(request.query)

    async with request.app["sessionmaker"]() as session:
        greenhouse = (await session.execute(
            select(Greenhouse).where(Greenhouse.id == greenhouse_id, Greenhouse.owner_id == request["grower_id"])
        )).scalar_one_or_none()
        if greenhouse is None:
            raise web.HTTPNotFound()

        response = web.StreamResponse(headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="greenhouse-{greenhouse.id}-{start:%Y%m%d}.csv"',
        })
        await response.prepare(request)

        stmt = (
            select(Zone.name, Sensor.device_uid, Sensor.kind, Reading.taken_at, Reading.value)
            .join(Sensor, Sensor.id == Reading.sensor_id)
            .join(Zone, Zone.id == Sensor.zone_id)
            .where(Zone.greenhouse_id == greenhouse.id)
            .where(Reading.taken_at >= start, Reading.taken_at < end)
            .order_by(Reading.taken_at)
            .execution_options(yield_per=ROWS_PER_CHUNK)
        )
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["zone", "device_uid", "kind", "taken_at", "value"])
        rows = 0
        result = await session.stream(stmt)  # ok: DB002, RES003
        async for partition in result.partitions():
            for zone_name, uid, kind, taken_at, value in partition:
                writer.writerow([zone_name, uid, kind, taken_at.isoformat(), value])
                rows += 1
            await response.write(buf.getvalue().encode("utf-8"))
            buf.seek(0)
            buf.truncate(0)
        if buf.tell():
            await response.write(buf.getvalue().encode("utf-8"))

    await response.write_eof()
    log.info("exported %s readings for greenhouse %s (%s to %s) [%s]",
             rows, greenhouse_id, start.date(), end.date(), request.get("request_id"))
    return response


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/greenhouses/{greenhouse_id}/export.csv", export_readings)
