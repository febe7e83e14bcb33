"""Application entry point: wiring, middleware and lifespan."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

import redis.asyncio as redis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import text

from . import meal_vouchers, routes_admin, routes_checkin, routes_signup, shift_waitlist
from .config import get_settings
from .models import SessionLocal, engine
from .reminders import reminder_loop
from .sms_client import SmsClient

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger("festival_volunteers")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    app.state.redis = redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    while True:  # expect: REL002
        try:
            await app.state.redis.ping()
            break
        except redis.ConnectionError:
            logger.warning("redis not reachable yet, waiting")
            await asyncio.sleep(1)

    app.state.sms = SmsClient(settings.sms_base_url, settings.sms_api_token)
    reminders = asyncio.create_task(reminder_loop(app))  # expect: SCL003
    logger.info("festival volunteers API started")
    try:
        yield
    finally:
        reminders.cancel()
        await app.state.sms.aclose()
        await app.state.redis.aclose()
        await engine.dispose()


app = FastAPI(title="Festival Volunteers", lifespan=lifespan, debug=get_settings().debug)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(routes_signup.router)
app.include_router(shift_waitlist.router)
app.include_router(routes_checkin.router)
app.include_router(meal_vouchers.router)
app.include_router(routes_admin.router)


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    async with SessionLocal() as session:
        await session.execute(text("SELECT 1"))
    await app.state.redis.ping()
    return {"status": "ok"}
