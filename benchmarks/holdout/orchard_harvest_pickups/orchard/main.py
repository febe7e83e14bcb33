"""FastAPI application: routers, CORS, request ids and startup/shutdown.

Run with:  uvicorn orchard.main:app --host 0.0.0.0 --port 8080
"""
import asyncio
import contextvars
import datetime as dt
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import select

from . import auth
from .config import get_settings
from .db import SessionLocal, ping_all
from .models import Farm
from .reports import harvest, season
from .routers import crates, forecast, slots, stations, weigh
from .services.frost_alerts import FrostAlertClient
from .workers import ledger_sync

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.addFilter(RequestIdFilter())
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [req=%(request_id)s] %(message)s"))
logging.basicConfig(level=logging.DEBUG if settings.debug else logging.INFO, handlers=[_handler])
logger = logging.getLogger("orchard")


def _load_farm_coords() -> dict[str, tuple[float, float]]:
    with SessionLocal() as session:
        return {f.slug: (f.latitude, f.longitude) for f in session.scalars(select(Farm))}


def _seconds_until(hour: int) -> float:
    now = dt.datetime.now()
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target += dt.timedelta(days=1)
    return (target - now).total_seconds()


async def _nightly_slot_generation() -> None:
    while True:
        await asyncio.sleep(_seconds_until(2))
        try:
            created = await asyncio.to_thread(slots.generate_upcoming_week)
            logger.info("nightly slot generation created %d slots", created)
        except Exception:
            logger.exception("nightly slot generation failed")


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.farm_coords = await asyncio.to_thread(_load_farm_coords)
    app.state.frost = FrostAlertClient(settings.frost_api_url, settings.weather_api_key.get_secret_value())
    ledger_sync.start()
    slot_job = asyncio.create_task(_nightly_slot_generation())  # expect: SCL003
    yield
    slot_job.cancel()
    await app.state.frost.aclose()


def create_app() -> FastAPI:
    app = FastAPI(title="Sunny Slope pickups", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
    app.add_middleware(  # ok: SEC013
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "DELETE"],
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

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> dict:
        return {"status": "ready", "checks": ping_all(), "ledger_backlog": ledger_sync.backlog()}

    for module in (auth, slots, crates, weigh, stations, forecast, harvest, season):
        app.include_router(module.router)
    return app


app = create_app()
