"""ASGI entry point: `uvicorn evcharge.main:app --workers 4`."""
import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import update

from evcharge import billing, history, meter_ingest, reports, reservations, sessions_api, tariffs, transaction_events
from evcharge.db import SessionLocal, engine, ping
from evcharge.models import ChargingSession
from evcharge.settings import settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.addFilter(_RequestIdFilter())
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
logging.basicConfig(level=settings.log_level, handlers=[_handler])
log = logging.getLogger("evcharge")


async def _accrue_idle_fees(stop: asyncio.Event) -> None:
    """Charge idle minutes to sessions that finished charging but are still plugged in."""
    while not stop.is_set():
        try:
            async with SessionLocal() as db:
                cutoff = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=15)
                result = await db.execute(
                    update(ChargingSession)
                    .where(ChargingSession.status == "completed", ChargingSession.unplugged_at.is_(None),
                           ChargingSession.stopped_at < cutoff)
                    .values(idle_fee_cents=ChargingSession.idle_fee_cents + 10)
                )
                await db.commit()
                if result.rowcount:
                    log.info("idle fee accrued on %d sessions", result.rowcount)
        except Exception:
            log.exception("idle fee pass failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=settings.idle_fee_interval_seconds)
        except asyncio.TimeoutError:
            pass


@asynccontextmanager
async def lifespan(app: FastAPI):
    stop = asyncio.Event()
    idle_task = asyncio.create_task(_accrue_idle_fees(stop))  # expect: SCL003
    yield
    stop.set()
    await idle_task
    await engine.dispose()


app = FastAPI(title="Voltway charging API", version="3.4.0", debug=settings.debug, lifespan=lifespan)
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True,  # expect: SEC013
                   allow_methods=["GET", "POST", "DELETE"],
                   allow_headers=["Authorization", "Content-Type", "X-Request-ID"])


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


for module in (sessions_api, reservations, meter_ingest, transaction_events, billing, tariffs, reports, history):
    app.include_router(module.router)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz():
    if not await ping():
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return {"status": "ok"}
