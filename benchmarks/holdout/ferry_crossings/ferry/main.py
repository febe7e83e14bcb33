"""FastAPI application: routers, middleware and the weather-warning watcher."""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import select, text

from ferry.config import get_settings
from ferry.db import SessionLocal, close_connections, redis_client
from ferry.models import Route, Sailing
from ferry.routers import bookings, departures, timetables

logger = logging.getLogger("ferry.api")
settings = get_settings()


async def _watch_weather_warnings() -> None:
    """Poll the marine warning feed and cancel sailings under a severe warning."""
    from ferry.tasks.weather_cancellations import cancel_sailing

    async with httpx.AsyncClient(timeout=10.0) as client:
        while True:
            try:
                resp = await client.get(settings.weather_feed_url)
                resp.raise_for_status()
                severe = {w["area"] for w in resp.json()["warnings"] if w["level"] == "severe"}
                if severe:
                    async with SessionLocal() as session:
                        rows = await session.execute(
                            select(Sailing.id)
                            .join(Route)
                            .where(Route.origin_port.in_(severe), Sailing.status == "scheduled")
                            .where(Sailing.departs_at < text("now() + interval '6 hours'"))
                        )
                        for (sailing_id,) in rows:
                            logger.warning("severe weather, cancelling sailing %s", sailing_id)
                            await asyncio.to_thread(cancel_sailing, sailing_id, "severe weather")
            except Exception:
                logger.exception("weather warning poll failed")
            await asyncio.sleep(settings.weather_poll_seconds)


@asynccontextmanager
async def lifespan(app: FastAPI):
    watcher = asyncio.create_task(_watch_weather_warnings())  # expect: SCL003
    yield
    watcher.cancel()
    await close_connections()


app = FastAPI(title="Ferry Crossings", lifespan=lifespan)
app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*", allow_credentials=True, allow_methods=["*"], allow_headers=["*"])  # expect: SEC013


@app.middleware("http")
async def request_context(request: Request, call_next):
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    request.state.request_id = request_id
    logger.debug("request %s %s %s headers=%s", request_id, request.method, request.url.path, dict(request.headers))  # expect: SEC007
    started = time.perf_counter()
    response = await call_next(request)
    response.headers["x-request-id"] = request_id
    logger.info(
        "request %s %s %s -> %s in %.1fms",
        request_id,
        request.method,
        request.url.path,
        response.status_code,
        (time.perf_counter() - started) * 1000,
    )
    return response


@app.get("/healthz")
async def healthz() -> JSONResponse:
    checks = {}
    try:
        async with SessionLocal() as session:
            await session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        logger.exception("health check: database unreachable")
        checks["database"] = "down"
    try:
        await redis_client.ping()
        checks["redis"] = "ok"
    except Exception:
        logger.exception("health check: redis unreachable")
        checks["redis"] = "down"
    healthy = all(v == "ok" for v in checks.values())
    return JSONResponse(checks, status_code=200 if healthy else 503)


app.include_router(timetables.router)
app.include_router(departures.router)
app.include_router(bookings.router)
