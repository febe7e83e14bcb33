"""Gateway ingest of sensor readings, and reading history for the dashboard charts."""
from __future__ import annotations

import hmac
import logging
import os
from datetime import datetime, timezone

from aiohttp import web
from sqlalchemy import select, text

from greenhouse.models import Greenhouse, Reading, Sensor, Zone

log = logging.getLogger("greenhouse.readings")

GATEWAY_KEY = os.environ.get("GATEWAY_INGEST_KEY", "")


def _check_gateway(request: web.Request) -> None:
    supplied = request.headers.get("X-Gateway-Key", "")
    if not GATEWAY_KEY or not hmac.compare_digest(supplied, GATEWAY_KEY):
        raise web.HTTPUnauthorized()


async def ingest(request: web.Request) -> web.Response:
    _check_gateway(request)
    payload = await request.json()
    readings = payload.get("readings", [])
    if len(readings) > 2000:
        return web.json_response({"error": "batch_too_large"}, status=413)

    stored = 0
    async with request.app["sessionmaker"]() as session:
        uids = {r["uid"] for r in readings}
        rows = await session.execute(select(Sensor.device_uid, Sensor.id).where(Sensor.device_uid.in_(uids)))
        sensor_ids = dict(rows.all())
        for r in readings:
            sensor_id = sensor_ids.get(r["uid"])
            if sensor_id is None:
                continue
            taken_at = datetime.fromtimestamp(r["ts"], tz=timezone.utc)
            session.add(Reading(sensor_id=sensor_id, taken_at=taken_at, value=float(r["v"])))
            await session.commit()  # expect: DB003
            stored += 1
    log.info("gateway %s stored %s/%s readings", payload.get("gateway"), stored, len(readings))
    return web.json_response({"stored": stored})


async def sensor_history(request: web.Request) -> web.Response:
    grower_id = request["grower_id"]
    device_uid = request.match_info["device_uid"]
    since = request.query.get("since", "1970-01-01T00:00:00+00:00")
    query = text(
        "SELECT r.taken_at, r.value FROM readings r "
        "JOIN sensors s ON s.id = r.sensor_id "
        "JOIN zones z ON z.id = s.zone_id "
        "JOIN greenhouses g ON g.id = z.greenhouse_id "
        f"WHERE s.device_uid = '{device_uid}' AND r.taken_at >= '{since}' "
        "AND g.owner_id = :grower ORDER BY r.taken_at"
    )
    async with request.app["sessionmaker"]() as session:
        result = await session.execute(query, {"grower": grower_id})  # expect: SEC001
        points = [{"t": row.taken_at.isoformat(), "v": row.value} for row in result.all()]  # expect: DB002
    return web.json_response({"device_uid": device_uid, "points": points})


async def _zone_sensors(session, zone_id: int) -> list[Sensor]:
    result = await session.execute(select(Sensor).where(Sensor.zone_id == zone_id).order_by(Sensor.kind))
    return list(result.scalars().all())


async def greenhouse_overview(request: web.Request) -> web.Response:
    grower_id = request["grower_id"]
    greenhouse_id = int(request.match_info["greenhouse_id"])
    async with request.app["sessionmaker"]() as session:
        greenhouse = (await session.execute(
            select(Greenhouse).where(Greenhouse.id == greenhouse_id, Greenhouse.owner_id == grower_id)
        )).scalar_one_or_none()
        if greenhouse is None:
            raise web.HTTPNotFound()
        zones = (await session.execute(select(Zone).where(Zone.greenhouse_id == greenhouse.id))).scalars().all()
        overview = []
        for zone in zones:
            sensors = await _zone_sensors(session, zone.id)  # expect: DB001
            overview.append({
                "zone": zone.name,
                "irrigating": bool(zone.irrigating_until and zone.irrigating_until > datetime.now(timezone.utc)),
                "sensors": [{"uid": s.device_uid, "kind": s.kind, "unit": s.unit} for s in sensors],
            })
    return web.json_response({"greenhouse": greenhouse.name, "zones": overview})


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/ingest/readings", ingest)
    app.router.add_get("/sensors/{device_uid}/history", sensor_history)
    app.router.add_get("/greenhouses/{greenhouse_id}/overview", greenhouse_overview)
