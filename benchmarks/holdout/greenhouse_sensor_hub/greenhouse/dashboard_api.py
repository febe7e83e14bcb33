"""Grower dashboard: greenhouses, zones and latest readings in a handful of queries."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aiohttp import web
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from greenhouse.models import Greenhouse, Reading, Sensor, Zone

MAX_POINTS = 2000
MAX_WINDOW = timedelta(days=31)

LATEST_SQL = text(
    """
    SELECT DISTINCT ON (r.sensor_id) r.sensor_id, r.value, r.taken_at
    FROM readings r
    JOIN sensors s ON s.id = r.sensor_id
    JOIN zones z ON z.id = s.zone_id
    WHERE z.greenhouse_id = :greenhouse_id AND r.taken_at > :cutoff
    ORDER BY r.sensor_id, r.taken_at DESC
    """
)


async def list_greenhouses(request: web.Request) -> web.Response:
    async with request.app["sessionmaker"]() as session:
        result = await session.execute(  # ok: SEC018
            select(Greenhouse.id, Greenhouse.name)
            .where(Greenhouse.owner_id == request["grower_id"])
            .order_by(Greenhouse.name)
        )
        return web.json_response([{"id": gid, "name": name} for gid, name in result.all()])


async def greenhouse_dashboard(request: web.Request) -> web.Response:
    greenhouse_id = int(request.match_info["greenhouse_id"])
    cutoff = datetime.now(timezone.utc) - timedelta(hours=2)
    async with request.app["sessionmaker"]() as session:
        greenhouse = (await session.execute(
            select(Greenhouse)
            .where(Greenhouse.id == greenhouse_id, Greenhouse.owner_id == request["grower_id"])
            .options(selectinload(Greenhouse.zones).selectinload(Zone.sensors))
        )).scalar_one_or_none()
        if greenhouse is None:
            raise web.HTTPNotFound()
        latest = {
            row.sensor_id: row
            for row in await session.execute(LATEST_SQL, {"greenhouse_id": greenhouse.id, "cutoff": cutoff})  # ok: SEC001
        }

    zones = []
    for zone in greenhouse.zones:
        sensors = []
        for sensor in zone.sensors:  # ok: DB001
            row = latest.get(sensor.id)
            sensors.append({
                "uid": sensor.device_uid,
                "kind": sensor.kind,
                "unit": sensor.unit,
                "value": row.value if row else None,
                "at": row.taken_at.isoformat() if row else None,
            })
        zones.append({"id": zone.id, "name": zone.name, "sensors": sensors})
    return web.json_response({"id": greenhouse.id, "name": greenhouse.name, "zones": zones})


async def sensor_series(request: web.Request) -> web.Response:
    device_uid = request.match_info["device_uid"]
    now = datetime.now(timezone.utc)
    try:
        since = datetime.fromisoformat(request.query.get("since", (now - timedelta(days=1)).isoformat()))
    except ValueError:
        return web.json_response({"error": "bad_since"}, status=400)
    since = max(since, now - MAX_WINDOW)

    async with request.app["sessionmaker"]() as session:
        result = await session.execute(
            select(Reading.taken_at, Reading.value)
            .join(Sensor, Sensor.id == Reading.sensor_id)
            .join(Zone, Zone.id == Sensor.zone_id)
            .join(Greenhouse, Greenhouse.id == Zone.greenhouse_id)
            .where(Sensor.device_uid == device_uid, Greenhouse.owner_id == request["grower_id"])
            .where(Reading.taken_at >= since)
            .order_by(Reading.taken_at)
            .limit(MAX_POINTS)
        )
        points = [{"t": t.isoformat(), "v": v} for t, v in result.all()]  # ok: DB002
    return web.json_response({"device_uid": device_uid, "points": points, "truncated": len(points) == MAX_POINTS})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/greenhouses", list_greenhouses)
    app.router.add_get("/greenhouses/{greenhouse_id}/dashboard", greenhouse_dashboard)
    app.router.add_get("/sensors/{device_uid}/series", sensor_series)
