"""FastAPI application for boat bookings, crews and subscriptions."""
import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager

import aiohttp
import redis.asyncio as redis
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from app import auth, security
from app.clients.gauge_feed import GaugeFeed
from app.config import get_settings
from app.db import dispose_engine, ping
from app.routers import bookings, crew, subscriptions
from worker.reminders import run_reminder_loop

request_id_var = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


logger = logging.getLogger("app")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    configure_logging()
    app.state.redis = redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    app.state.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10, connect=3))
    app.state.gauge = GaugeFeed(app.state.http, app.state.redis, settings)
    reminders = asyncio.create_task(run_reminder_loop(settings))  # expect: SCL003
    logger.info("rowing api started (%s)", settings.environment)
    try:
        yield
    finally:
        reminders.cancel()
        await app.state.http.close()
        await app.state.redis.aclose()
        await dispose_engine()


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Riverside RC bookings", debug=settings.debug, lifespan=lifespan)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,  # ok: SEC013
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
    )

    @app.middleware("http")
    async def bind_request_id(request: Request, call_next):
        rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = request_id_var.set(rid[:64])
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        response.headers["X-Request-ID"] = rid[:64]
        return response

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception):
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal error"}, status_code=500)

    @app.get("/healthz", include_in_schema=False)
    async def healthz():
        await ping()
        await app.state.redis.ping()
        return {"status": "ok"}

    for module in (auth, security, bookings, crew, subscriptions):
        app.include_router(module.router)
    return app


app = create_app()
