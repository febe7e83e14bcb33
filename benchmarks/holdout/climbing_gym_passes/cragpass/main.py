"""CragPass API: app, kiosk and front-desk endpoints for the climbing gym."""
import asyncio
import contextvars
import logging
import time
import uuid
from collections import defaultdict, deque
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from cragpass.db import dispose_engine, ping
from cragpass.jobs.renewals import run_due_renewals
from cragpass.routers import belay, day_passes, gear, kiosk, lockers, reports, waivers
from cragpass.settings import get_settings

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.addFilter(_RequestIdFilter())
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
logging.basicConfig(level=settings.log_level, handlers=[_handler])
logger = logging.getLogger("cragpass")

RENEWAL_INTERVAL_S = 15 * 60
_hits: dict[str, deque] = defaultdict(deque)


async def _renewal_loop() -> None:
    while True:
        try:
            await run_due_renewals()
        except Exception:
            logger.exception("membership renewal run failed")
        await asyncio.sleep(RENEWAL_INTERVAL_S)


@asynccontextmanager
async def lifespan(app: FastAPI):
    renewals = asyncio.create_task(_renewal_loop())  # expect: SCL003
    yield
    renewals.cancel()
    await dispose_engine()


app = FastAPI(title="CragPass", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.allowed_origins,
    allow_credentials=True,  # ok: SEC013
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
)


@app.middleware("http")
async def rate_limit(request: Request, call_next):
    client = request.client.host if request.client else "unknown"
    now = time.monotonic()
    window = _hits[client]
    while window and now - window[0] > 60:
        window.popleft()
    if len(window) >= settings.rate_limit_per_minute:
        return JSONResponse({"detail": "Too many requests"}, status_code=429)
    window.append(now)  # expect: SCL001, RES002
    return await call_next(request)


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


@app.get("/healthz", include_in_schema=False)
async def healthz():
    try:
        db_ok = await asyncio.wait_for(ping(), timeout=2)
    except Exception:
        logger.warning("health check: database unreachable", exc_info=True)
        db_ok = False
    return JSONResponse({"status": "ok" if db_ok else "degraded"}, status_code=200 if db_ok else 503)


for router in (kiosk.router, day_passes.router, gear.router, lockers.router, belay.router, reports.router, waivers.router):
    app.include_router(router)
