"""Manual irrigation runs requested from the dashboard."""
from __future__ import annotations

import logging
import time
import uuid

import requests
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from greenhouse.models import Greenhouse, IrrigationCommand, Zone

log = logging.getLogger("greenhouse.irrigation")

SECONDS_PER_LITRE = 6.0
MAX_LITRES = 500.0

_active_runs: dict[int, float] = {}


def _open_valve(gateway_url: str, valve_address: str, litres: float, command_id: str) -> dict:
    resp = requests.post(
        f"{gateway_url}/valves/{valve_address}/open",
        json={"litres": litres, "command_id": command_id},
        timeout=(3, 10),
    )
    resp.raise_for_status()
    return resp.json()


async def _rain_expected(app: web.Application, greenhouse: Greenhouse) -> bool:
    settings = app["settings"]
    resp = await app["http"].get(
        settings.weather_api_url,
        params={"latitude": greenhouse.latitude, "longitude": greenhouse.longitude,
                "hourly": "precipitation", "forecast_hours": 6},
    )
    resp.raise_for_status()
    return sum(resp.json()["hourly"]["precipitation"]) > 2.0


async def irrigate_zone(request: web.Request) -> web.Response:
    zone_id = int(request.match_info["zone_id"])
    body = await request.json()
    try:
        litres = float(body.get("litres", 0))
    except (TypeError, ValueError):
        return web.json_response({"error": "bad_litres"}, status=400)
    if not 0 < litres <= MAX_LITRES:
        return web.json_response({"error": "litres_out_of_range"}, status=400)

    settings = request.app["settings"]
    async with request.app["sessionmaker"]() as session:
        zone = await session.get(Zone, zone_id, options=[selectinload(Zone.greenhouse)])  # expect: SEC018
        if zone is None:
            raise web.HTTPNotFound()

        now = time.monotonic()
        if _active_runs.get(zone_id, 0) > now:
            return web.json_response({"error": "already_running"}, status=409)
        if not body.get("force") and await _rain_expected(request.app, zone.greenhouse):  # todo-expect: ERR003
            return web.json_response({"error": "rain_expected"}, status=409)
        _active_runs[zone_id] = now + litres * SECONDS_PER_LITRE  # expect: CON002, SCL001

        command = IrrigationCommand(
            command_id=str(uuid.uuid4()), zone_id=zone.id, litres=litres, requested_by=request["grower_id"],
        )
        session.add(command)
        await session.commit()

        ack = _open_valve(settings.valve_gateway_url, zone.valve_address, litres, command.command_id)  # expect: CON001
        command.status = "sent" if ack.get("accepted") else "rejected"
        await session.commit()

    log.info("zone %s irrigation %s: %.1f L requested by grower %s [%s]",
             zone_id, command.status, litres, request["grower_id"], request["request_id"])
    return web.json_response({"command_id": command.command_id, "status": command.status})


async def zone_commands(request: web.Request) -> web.Response:
    zone_id = int(request.match_info["zone_id"])
    async with request.app["sessionmaker"]() as session:
        rows = await session.execute(
            select(IrrigationCommand)
            .join(Zone, Zone.id == IrrigationCommand.zone_id)
            .join(Greenhouse, Greenhouse.id == Zone.greenhouse_id)
            .where(Zone.id == zone_id, Greenhouse.owner_id == request["grower_id"])
            .order_by(IrrigationCommand.created_at.desc())
            .limit(50)
        )
        commands = rows.scalars().all()
    return web.json_response([
        {"command_id": c.command_id, "litres": c.litres, "status": c.status, "at": c.created_at.isoformat()}
        for c in commands
    ])


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/zones/{zone_id}/irrigate", irrigate_zone)
    app.router.add_get("/zones/{zone_id}/commands", zone_commands)
