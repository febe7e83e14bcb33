"""ASGI entry point for the Paws & Suds booking API."""
import asyncio
import logging
import time
import uuid
from collections import defaultdict
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from . import auth
from .config import get_settings
from .db import dispose_engine, healthcheck, init_engine, sessionmaker
from .logctx import configure_logging, request_id_var
from .routers import admin, appointments, gallery, pets
from .services import loyalty, packages
from .services.sms import send_due_reminders

logger = logging.getLogger("salon")
settings = get_settings()

BOOKING_LIMIT_PER_MINUTE = 10
_booking_hits: dict[str, list[float]] = defaultdict(list)


async def _reminder_loop() -> None:
    while True:
        try:
            async with sessionmaker()() as session:
                sent = await send_due_reminders(session)
                logger.info("reminder sweep sent=%s", sent)
        except Exception:
            logger.exception("reminder sweep failed")
        await asyncio.sleep(300)


@asynccontextmanager
async def lifespan(app: FastAPI):
    configure_logging()
    init_engine()
    sweeper = asyncio.create_task(_reminder_loop())  # expect: SCL003
    yield
    sweeper.cancel()
    await dispose_engine()


app = FastAPI(title="Paws & Suds booking API", lifespan=lifespan, debug=settings.debug)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_origin_regex=r"https://[a-z0-9-]+\.vercel\.app",  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def request_id(request: Request, call_next):
    rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = rid
    return response


@app.middleware("http")
async def booking_rate_limit(request: Request, call_next):
    if request.method == "POST" and request.url.path.startswith("/appointments"):
        client = request.client.host if request.client else "unknown"
        now = time.monotonic()
        recent = [t for t in _booking_hits[client] if now - t < 60]
        if len(recent) >= BOOKING_LIMIT_PER_MINUTE:
            return JSONResponse({"detail": "too many booking attempts"}, status_code=429)
        recent.append(now)
        _booking_hits[client] = recent  # expect: SCL001, RES002
    return await call_next(request)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    try:
        await healthcheck()
    except Exception:
        logger.exception("health check failed")
        return JSONResponse({"status": "degraded"}, status_code=503)
    return {"status": "ok"}


app.include_router(auth.router)
app.include_router(appointments.router)
app.include_router(pets.router)
app.include_router(gallery.router)
app.include_router(admin.router)
app.include_router(loyalty.router)
app.include_router(packages.router)
