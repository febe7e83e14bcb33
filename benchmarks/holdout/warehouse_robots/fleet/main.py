import asyncio
import logging
from contextlib import asynccontextmanager

import asyncpg
import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from fleet import admin_db, charging, fleet_status, incidents, metrics_export, task_assignment, task_queue, telemetry_ws
from fleet.settings import get_settings

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger("fleet")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    app.state.pool = await asyncpg.create_pool(
        settings.database_url,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        command_timeout=10,
    )
    app.state.redis = aioredis.from_url(settings.redis_url, socket_timeout=3, decode_responses=True)
    app.state.http = httpx.AsyncClient(timeout=httpx.Timeout(5.0), limits=httpx.Limits(max_connections=50))
    background = [
        asyncio.create_task(charging.run_scheduler(app.state), name="charging-scheduler"),  # expect: SCL003
        asyncio.create_task(metrics_export.export_loop(app.state), name="metrics-export"),  # ok: SCL003
    ]
    logger.info("fleet api started")
    try:
        yield
    finally:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await app.state.http.aclose()
        await app.state.redis.aclose()
        await app.state.pool.close()
        logger.info("fleet api stopped")


settings = get_settings()
app = FastAPI(title="Fleet control", version="2.8.1", lifespan=lifespan, debug=settings.debug)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH"],
    allow_headers=["Authorization", "Content-Type"],
)

app.include_router(telemetry_ws.router)
app.include_router(fleet_status.router)
app.include_router(task_assignment.router)
app.include_router(task_queue.router)
app.include_router(incidents.router)
app.include_router(admin_db.router)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    try:
        async with app.state.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        await app.state.redis.ping()
    except (asyncpg.PostgresError, OSError, aioredis.RedisError):
        logger.exception("health check failed")
        return JSONResponse({"status": "degraded"}, status_code=503)
    return {"status": "ok"}
