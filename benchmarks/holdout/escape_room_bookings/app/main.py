"""FastAPI application for escape room bookings."""
import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from app.db import dispose, ping
from app.jobs.reminders import send_due_reminders
from app.routers import bookings, hints, reports, slots, vouchers
from app.settings import get_settings

log = logging.getLogger("app")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REMINDER_INTERVAL_SECONDS = 300


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


async def reminder_loop() -> None:
    while True:
        try:
            await send_due_reminders()
        except Exception:
            log.exception("reminder run failed")
        await asyncio.sleep(REMINDER_INTERVAL_SECONDS)


@asynccontextmanager
async def lifespan(app: FastAPI):
    configure_logging(settings.log_level)
    task = asyncio.create_task(reminder_loop())  # expect: SCL003
    try:
        yield
    finally:
        task.cancel()
        await dispose()


settings = get_settings()
app = FastAPI(title="Escape room bookings", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
)


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["x-request-id"] = request_id
    return response


for router in (slots.router, bookings.router, vouchers.router, hints.router, reports.router):
    app.include_router(router)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz():
    try:
        await asyncio.wait_for(ping(), timeout=2)
    except Exception:
        log.warning("readiness check failed", exc_info=True)
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return {"status": "ready"}
