import asyncio
import logging
import os
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import assignment, courier_shifts, eta, order_status, quotes, restaurant_orders, tips
from app.summaries import send_daily_summaries

logger = logging.getLogger("dispatch")

SUMMARY_TZ = ZoneInfo("Europe/Berlin")
SUMMARY_AT = (23, 5)


def _seconds_until_next_summary(now: datetime) -> tuple[float, datetime]:
    next_run = now.replace(hour=SUMMARY_AT[0], minute=SUMMARY_AT[1], second=0, microsecond=0)
    if next_run <= now:
        next_run += timedelta(days=1)
    return (next_run - now).total_seconds(), next_run


async def restaurant_summary_loop() -> None:
    while True:
        delay, next_run = _seconds_until_next_summary(datetime.now(SUMMARY_TZ))
        await asyncio.sleep(delay)
        try:
            sent = await send_daily_summaries(next_run.date())
            logger.info("sent %d restaurant daily summaries for %s", sent, next_run.date())
        except Exception:
            logger.exception("restaurant daily summaries failed for %s", next_run.date())


@asynccontextmanager
async def lifespan(app: FastAPI):
    summary_task = asyncio.create_task(restaurant_summary_loop())  # expect: SCL003
    try:
        yield
    finally:
        summary_task.cancel()


app = FastAPI(
    title="dispatch",
    lifespan=lifespan,
    debug=os.getenv("DISPATCH_DEBUG", "false").lower() == "true",  # ok: SEC006
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["*"],
)

for module in (assignment, courier_shifts, eta, order_status, quotes, restaurant_orders, tips):
    app.include_router(module.router)


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    return {"status": "ok"}
