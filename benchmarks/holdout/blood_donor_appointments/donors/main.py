"""FastAPI application for donor registration, appointments and stock dashboards."""
import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from . import (
    admin_routes, appointment_routes, auth, donation_routes, donor_routes, slot_routes, stock_aggregator, stock_routes,
)
from .db import async_redis
from .settings import get_settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(RequestIdFilter())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


async def _keep_stock_fresh(interval: int) -> None:
    log = logging.getLogger("donors.stock")
    while True:
        try:
            await stock_aggregator.aggregate_once(async_redis())
        except Exception:
            log.exception("stock refresh failed")
        await asyncio.sleep(interval)


@asynccontextmanager
async def lifespan(app: FastAPI):
    configure_logging()
    refresher = asyncio.create_task(_keep_stock_fresh(get_settings().stock_refresh_seconds))  # expect: SCL003
    try:
        yield
    finally:
        refresher.cancel()
        await async_redis().aclose()


settings = get_settings()
app = FastAPI(title="Blood donor appointments", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,  # ok: SEC013
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def request_id_middleware(request: Request, call_next):
    rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = rid
    return response


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    return {"status": "ok"}


for module in (auth, donor_routes, slot_routes, appointment_routes, donation_routes, stock_routes, admin_routes):
    app.include_router(module.router)
