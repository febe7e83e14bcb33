import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import text, update

from trials import adverse_events, auth, consent, consent_storage, enrollment, randomization, screening, site_reports
from trials.db import ScreeningLog, SessionLocal, engine
from trials.lab_client import close_lab_client
from trials.settings import get_settings

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.addFilter(_RequestIdFilter())
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"))
logging.basicConfig(level=logging.INFO, handlers=[_handler])
log = logging.getLogger("trials")

STALE_SCREENING_AFTER = timedelta(days=30)


async def _expire_stale_screenings() -> None:
    while True:
        cutoff = datetime.now(timezone.utc) - STALE_SCREENING_AFTER
        async with SessionLocal() as session:
            result = await session.execute(
                update(ScreeningLog)
                .where(ScreeningLog.status == "pending", ScreeningLog.created_at < cutoff)
                .values(status="expired")
            )
            await session.commit()
        log.info("expired %d stale screenings", result.rowcount)
        await asyncio.sleep(3600)


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings.require_secrets()
    janitor = asyncio.create_task(_expire_stale_screenings())  # expect: SCL003
    yield
    janitor.cancel()
    await close_lab_client()
    await engine.dispose()


app = FastAPI(title="Trial Enrollment API", version="2.8.1", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT"],
    allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
)


@app.middleware("http")
async def request_id_middleware(request: Request, call_next):
    rid = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-Id"] = rid
    return response


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error"}, status_code=500)


for module in (auth, screening, enrollment, randomization, consent, consent_storage, adverse_events, site_reports):
    app.include_router(module.router)


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz() -> JSONResponse:
    try:
        async with engine.connect() as conn:
            await asyncio.wait_for(conn.execute(text("SELECT 1")), timeout=2)
    except Exception:  # ok: ERR001
        log.warning("readiness check failed", exc_info=True)
        return JSONResponse({"status": "db unavailable"}, status_code=503)
    return JSONResponse({"status": "ready"})
