import asyncio
import json
import logging
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg
from fastapi import Depends, FastAPI, HTTPException, Request

from ingest import alerts, device_registry, firmware, notifier, readings_api
from ingest.device_auth import Device, authenticate_device
from ingest.settings import settings

logger = logging.getLogger("ingest")

BATCH_ROWS = 1000
COLUMNS = ["device_id", "tenant_id", "ts", "metric", "value"]

_readings: asyncio.Queue = asyncio.Queue(maxsize=50_000)


async def _write_readings(pool: asyncpg.Pool) -> None:
    while True:
        batch = [await _readings.get()]
        while len(batch) < BATCH_ROWS and not _readings.empty():
            batch.append(_readings.get_nowait())
        try:
            async with pool.acquire() as conn:
                await conn.copy_records_to_table("readings", records=batch, columns=COLUMNS)
        except (asyncpg.PostgresError, OSError):
            logger.exception("could not write %d readings", len(batch))


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=10, command_timeout=10)
    writer = asyncio.create_task(_write_readings(app.state.pool))  # ok: SCL003
    try:
        yield
    finally:
        writer.cancel()
        await app.state.pool.close()


app = FastAPI(title="telemetry-ingest", lifespan=lifespan, debug=True)  # expect: SEC006

for module in (alerts, device_registry, firmware, notifier, readings_api):
    app.include_router(module.router)


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    return {"status": "ok"}


@app.post("/v1/readings", status_code=202)
async def ingest_readings(request: Request, device: Device = Depends(authenticate_device)):
    body = await request.body()  # todo-expect: SEC019
    try:
        readings = json.loads(body)["readings"]
    except (ValueError, KeyError, TypeError):
        raise HTTPException(status_code=400, detail="body must be a JSON object with a readings list")

    accepted = 0
    for reading in readings:
        try:
            row = (device.id, device.tenant_id, datetime.fromisoformat(reading["ts"]), str(reading["metric"]), float(reading["value"]))
        except (KeyError, TypeError, ValueError):
            continue
        try:
            _readings.put_nowait(row)  # todo-expect: REL005
        except asyncio.QueueFull:
            raise HTTPException(status_code=503, detail="ingest is busy, retry later")
        accepted += 1
    return {"accepted": accepted}
