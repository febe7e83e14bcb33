"""FastAPI application: device ingestion, harvest orders, reports."""

import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from .auth import accounts
from .config import get_settings
from .db import make_redis
from .reports import buyer_statements, yields
from .routers import device_events, orders, readings
from .services.market_rates import MarketRatesClient
from .workers.aggregator import run_aggregator

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)


@asynccontextmanager
async def lifespan(app: FastAPI):
    configure_logging()
    app.state.redis = make_redis()
    app.state.market_rates = MarketRatesClient(
        settings.price_feed_url,
        settings.price_feed_token.get_secret_value(),
        app.state.redis,
        cache_seconds=settings.price_cache_seconds,
    )
    aggregator = asyncio.create_task(run_aggregator(), name="reading-aggregator")  # expect: SCL003
    try:
        yield
    finally:
        aggregator.cancel()
        await asyncio.gather(aggregator, return_exceptions=True)
        await app.state.market_rates.aclose()
        await app.state.redis.aclose()


app = FastAPI(title="Mushroom farm harvests", version="1.8.2", debug=settings.debug, lifespan=lifespan)

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,  # ok: SEC013
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)


@app.middleware("http")
async def assign_request_id(request: Request, call_next):
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["x-request-id"] = request_id
    return response


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


app.include_router(accounts.router)
app.include_router(readings.router)
app.include_router(device_events.router)
app.include_router(orders.router)
app.include_router(yields.router)
app.include_router(buyer_statements.router)
