"""FastAPI application: routers, middleware and background courier sync."""
import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from .clients.courier_tracking import CourierTracker
from .reports import turnaround, workload
from .routers import payments, photos, quotes, tickets
from .settings import get_settings

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


_configure_logging()
logger = logging.getLogger("camerafix")

COURIER_SYNC_SECONDS = 300


async def _sync_courier_forever(tracker: CourierTracker) -> None:
    while True:
        try:
            updated = await tracker.sync_open_bookings()
            logger.info("courier sync updated %d bookings", updated)
        except Exception:
            logger.exception("courier sync failed")
        await asyncio.sleep(COURIER_SYNC_SECONDS)


@asynccontextmanager
async def lifespan(app: FastAPI):
    tracker = CourierTracker(settings)
    sync_task = asyncio.create_task(_sync_courier_forever(tracker))  # expect: SCL003
    try:
        yield
    finally:
        sync_task.cancel()
        await tracker.aclose()


app = FastAPI(title="CameraFix", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
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
def healthz():
    return {"status": "ok"}


for module in (tickets, quotes, payments, photos, workload, turnaround):
    app.include_router(module.router)
