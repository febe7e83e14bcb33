"""FastAPI application: routers, middleware and the forecast refresher."""
from __future__ import annotations

import asyncio
import contextlib
import logging

import stripe
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from sailschool.clients import tides, weather
from sailschool.config import settings
from sailschool.database import database_ready
from sailschool.reports import fleet_hours, instructor_roster
from sailschool.routers import (cancellations, catalogue, certificates, enrollments, maintenance,
                                private_lessons, refunds, schedule)

logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger("sailschool")

stripe.api_key = settings.stripe_api_key.get_secret_value()
stripe.default_http_client = stripe.RequestsClient(timeout=settings.stripe_timeout_seconds)

app = FastAPI(title="Sailing School API", version="3.8.0", debug=settings.debug)  # ok: SEC006

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)

for module in (catalogue, schedule, enrollments, private_lessons, refunds, cancellations,
               maintenance, certificates, instructor_roster, fleet_hours):
    app.include_router(module.router)

# Latest reading per launch site; read by the go/no-go endpoint in routers/schedule.py.
app.state.conditions = {}


async def _refresh_conditions() -> None:
    while True:
        for site in weather.LAUNCH_SITES:
            try:
                app.state.conditions[site] = weather.current_conditions(site)  # expect: CON001
            except weather.ForecastUnavailable:
                logger.warning("no forecast for %s; keeping previous reading", site, exc_info=True)
        await asyncio.sleep(settings.forecast_refresh_seconds)


@app.on_event("startup")
async def start_forecast_refresh() -> None:
    app.state.refresher = asyncio.create_task(_refresh_conditions())  # ok: SCL003
    logger.info("forecast refresher started (every %ss)", settings.forecast_refresh_seconds)


@app.on_event("shutdown")
async def stop_background_work() -> None:
    app.state.refresher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await app.state.refresher
    await tides.close()


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz():
    ready = await run_in_threadpool(database_ready)  # ok: CON001
    if not ready:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return {"status": "ok"}
