"""FastAPI application for Sparkle Wash monthly subscriptions."""
import asyncio
import logging
import uuid
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from . import bay_controller_client, bay_routes, loyalty, stripe_webhooks, subscription_routes, usage_report
from .db import async_engine, redis_client

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
for _handler in logging.getLogger().handlers:
    _handler.addFilter(RequestIdFilter())
logger = logging.getLogger("carwash")

REPORT_HOUR_UTC = 5


def _seconds_until_next_report(now: datetime) -> float:
    next_run = now.replace(hour=REPORT_HOUR_UTC, minute=0, second=0, microsecond=0)
    if next_run <= now:
        next_run += timedelta(days=1)
    return (next_run - now).total_seconds()


async def _daily_report_loop() -> None:
    while True:
        await asyncio.sleep(_seconds_until_next_report(datetime.now(timezone.utc)))
        report_day = datetime.now(timezone.utc).date() - timedelta(days=1)
        try:
            await usage_report.publish_daily_report(report_day)
        except Exception:
            logger.exception("daily usage report for %s failed", report_day)


@asynccontextmanager
async def lifespan(app: FastAPI):
    report_task = asyncio.create_task(_daily_report_loop())  # expect: SCL003
    yield
    report_task.cancel()
    await bay_controller_client.aclose()
    await redis_client.aclose()
    await async_engine.dispose()


app = FastAPI(title="Sparkle Wash Subscriptions", lifespan=lifespan, debug=True)  # expect: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = request_id
    return response


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


app.include_router(subscription_routes.router)
app.include_router(stripe_webhooks.router)
app.include_router(bay_routes.router)
app.include_router(loyalty.router)
app.include_router(usage_report.router)
