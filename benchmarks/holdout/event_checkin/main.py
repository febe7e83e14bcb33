"""Application entry point for the gate check-in API."""
from __future__ import annotations

import asyncio
import logging
import os
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import select, text

import badges
import checkin
import gates
import live
import reports
import wristbands
from models import AsyncSessionLocal, Event, async_engine
from settings import describe, get_settings

logging.basicConfig(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    format="%(asctime)s %(levelname)s %(name)s %(message)s",
)
logger = logging.getLogger("checkin")
settings = get_settings()

_ALERT_INTERVAL_S = 60
_ALERT_THRESHOLD = 0.9


async def _capacity_alert_loop() -> None:
    webhook = os.environ.get("OPS_ALERT_WEBHOOK", "")
    async with httpx.AsyncClient(timeout=5.0) as client:
        while True:
            try:
                async with AsyncSessionLocal() as session:
                    rows = (
                        await session.execute(
                            select(Event.id, Event.name, Event.checked_in, Event.capacity).where(
                                Event.checked_in >= Event.capacity * _ALERT_THRESHOLD
                            )
                        )
                    ).all()
                for row in rows:
                    if webhook:
                        await client.post(
                            webhook,
                            json={"text": f"{row.name}: {row.checked_in}/{row.capacity} checked in"},
                        )
            except Exception:
                logger.exception("capacity alert loop failed")
            await asyncio.sleep(_ALERT_INTERVAL_S)


@asynccontextmanager
async def lifespan(app: FastAPI):
    alert_task = asyncio.create_task(_capacity_alert_loop())  # expect: SCL003
    yield
    alert_task.cancel()
    await async_engine.dispose()


app = FastAPI(title="event-checkin", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type"],
)

app.include_router(checkin.router)
app.include_router(gates.router)
app.include_router(badges.router)
app.include_router(wristbands.router)
app.include_router(reports.router)
app.include_router(live.router)


@app.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@app.get("/readyz")
async def readyz() -> dict:
    async with AsyncSessionLocal() as session:
        await session.execute(text("SELECT 1"))
    return {"status": "ready"}


@app.get("/info")
async def info() -> dict:
    return describe(settings)
