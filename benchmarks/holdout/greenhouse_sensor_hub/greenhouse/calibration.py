"""Sensor calibration: growers upload reference readings taken with a handheld meter."""
from __future__ import annotations

import asyncio
import csv
import json
import logging
import os
import threading

from aiohttp import web
from sqlalchemy import select

from greenhouse.models import Greenhouse, Sensor, Zone

log = logging.getLogger("greenhouse.calibration")

CAL_DIR = os.environ.get("CALIBRATION_DIR", "/var/lib/hub/calibration")


def _least_squares(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    n = len(pairs)
    sx = sum(x for x, _ in pairs)
    sy = sum(y for _, y in pairs)
    sxx = sum(x * x for x, _ in pairs)
    sxy = sum(x * y for x, y in pairs)
    denom = n * sxx - sx * sx
    if denom == 0:
        raise ValueError("readings do not vary; cannot fit")
    gain = (n * sxy - sx * sy) / denom
    return gain, (sy - gain * sx) / n


def _fit_and_store(csv_path: str) -> None:
    with open(csv_path, newline="", encoding="utf-8") as fh:
        pairs = [(float(r["sensor"]), float(r["reference"])) for r in csv.DictReader(fh)]
    gain, offset = _least_squares(pairs)
    with open(csv_path + ".fit.json", "w", encoding="utf-8") as fh:
        json.dump({"gain": gain, "offset": offset, "points": len(pairs)}, fh)
    log.info("calibration fitted for %s: gain=%.4f offset=%.4f", csv_path, gain, offset)


def _save(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


async def _owned_sensor(request: web.Request, sensor_id: int) -> Sensor:
    async with request.app["sessionmaker"]() as session:
        sensor = (await session.execute(
            select(Sensor).join(Zone, Zone.id == Sensor.zone_id)
            .join(Greenhouse, Greenhouse.id == Zone.greenhouse_id)
            .where(Sensor.id == sensor_id, Greenhouse.owner_id == request["grower_id"])
        )).scalar_one_or_none()
    if sensor is None:
        raise web.HTTPNotFound()
    return sensor


async def upload_calibration(request: web.Request) -> web.Response:
    sensor = await _owned_sensor(request, int(request.match_info["sensor_id"]))
    form = await request.post()
    field = form.get("file")
    if not isinstance(field, web.FileField):
        return web.json_response({"error": "file_required"}, status=400)

    path = os.path.join(CAL_DIR, str(sensor.id), field.filename)  # expect: SEC015
    await asyncio.to_thread(_save, path, field.file.read())  # expect: SCL002
    threading.Thread(target=_fit_and_store, args=(path,), daemon=True).start()  # expect: CON003
    log.info("calibration file %s uploaded for sensor %s", field.filename, sensor.id)
    return web.json_response({"sensor_id": sensor.id, "file": field.filename, "status": "fitting"}, status=202)


async def download_calibration(request: web.Request) -> web.StreamResponse:
    sensor = await _owned_sensor(request, int(request.match_info["sensor_id"]))
    name = request.match_info["name"]
    return web.FileResponse(os.path.join(CAL_DIR, str(sensor.id), name))  # expect: SEC015


async def calibration_status(request: web.Request) -> web.Response:
    sensor = await _owned_sensor(request, int(request.match_info["sensor_id"]))
    folder = os.path.join(CAL_DIR, str(sensor.id))
    fits = await asyncio.to_thread(
        lambda: sorted(f for f in os.listdir(folder) if f.endswith(".fit.json")) if os.path.isdir(folder) else []
    )
    return web.json_response({"sensor_id": sensor.id, "fits": fits})


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/sensors/{sensor_id}/calibration", upload_calibration)
    app.router.add_get("/sensors/{sensor_id}/calibration", calibration_status)
    app.router.add_get("/sensors/{sensor_id}/calibration/{name}", download_calibration)
