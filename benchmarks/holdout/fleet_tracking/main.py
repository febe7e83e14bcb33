"""FastAPI application for the fleet tracking service."""
import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from . import driver_shifts, fuel_cards, geofence_alerts, gps_ingest, maintenance, reports_export, routing_client
from .deps import create_pool, create_redis, settings
from .routing_client import RoutingClient

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger("fleet")

POSITION_RETENTION_DAYS = 90


async def _purge_old_positions(pool):
    """Delete raw GPS points past the retention period, once an hour."""
    while True:  # ok: REL002
        try:
            async with pool.acquire() as conn:
                result = await conn.execute(
                    "DELETE FROM positions WHERE recorded_at < now() - make_interval(days => $1)",
                    POSITION_RETENTION_DAYS,
                )
            logger.info("position retention: %s", result)
        except Exception:
            logger.exception("position retention run failed")
        await asyncio.sleep(3600)


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await create_pool()
    app.state.redis = create_redis()
    app.state.routing = RoutingClient(settings.routing_url, settings.routing_api_key)
    purge = asyncio.create_task(_purge_old_positions(app.state.pool))  # expect: SCL003
    try:
        yield
    finally:
        purge.cancel()
        await app.state.routing.aclose()
        await app.state.redis.aclose()
        await app.state.pool.close()


app = FastAPI(title="Fleet Tracking API", lifespan=lifespan, debug=settings.debug)  # ok: SEC006
app.add_middleware(  # ok: SEC013
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)

for module in (gps_ingest, geofence_alerts, driver_shifts, fuel_cards, maintenance, reports_export, routing_client):
    app.include_router(module.router)


@app.exception_handler(Exception)
async def unhandled_error(request: Request, exc: Exception):
    logger.error(  # expect: SEC007
        "unhandled error on %s %s headers=%s",
        request.method,
        request.url.path,
        dict(request.headers),
        exc_info=exc,
    )
    return JSONResponse({"detail": "internal server error"}, status_code=500)


@app.get("/healthz")
async def healthz():
    async with app.state.pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    await app.state.redis.ping()
    return {"status": "ok"}
