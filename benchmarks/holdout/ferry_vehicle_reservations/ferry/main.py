"""FastAPI application: vehicle reservations for the island ferry service."""
import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from . import db
from .notify import sms
from .notify.sms import notify_delayed_sailings
from .routers import admin, amendments, deposits, reservations, sailings
from .settings import get_settings

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=settings.log_level,
                    format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
for handler in logging.getLogger().handlers:
    handler.addFilter(RequestIdFilter())
log = logging.getLogger("ferry")


async def _delay_watch() -> None:
    """Every minute, text customers on sailings that have been marked delayed."""
    while True:  # ok: REL002
        try:
            async with db.SessionLocal() as session:
                await notify_delayed_sailings(session)
        except Exception:
            log.exception("delay watch iteration failed")
        await asyncio.sleep(60)


@asynccontextmanager
async def lifespan(app: FastAPI):
    watcher = asyncio.create_task(_delay_watch())  # expect: SCL003
    log.info("ferry reservations started (%s)", settings.environment)
    yield
    watcher.cancel()
    await db.dispose()


app = FastAPI(title="Island Ferries vehicle reservations", debug=settings.debug,
              lifespan=lifespan)
app.add_middleware(  # ok: SEC013
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
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


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    await db.ping()
    return {"status": "ok"}


for router in (reservations.router, amendments.router, deposits.router, sailings.router,
               admin.router, sms.router):
    app.include_router(router)
