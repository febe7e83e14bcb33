"""ExpoHub exhibitor API."""
import logging
import threading
import time
import uuid
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import update

from expo import db as database
from expo.config import settings
from expo.models import Booth
from expo.routers import badges, booths, brochures, directory, holds, logos
from expo.services import payments, sponsorships

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
for handler in logging.getLogger().handlers:
    handler.addFilter(RequestIdFilter())
logger = logging.getLogger("expo")


def _release_expired_holds_forever() -> None:
    while True:
        try:
            with database.session_scope() as session:
                released = session.execute(
                    update(Booth)
                    .where(Booth.held_until < datetime.now(timezone.utc), Booth.exhibitor_id.is_(None))
                    .values(held_by_exhibitor_id=None, held_until=None)
                ).rowcount
            if released:
                logger.info("released %s expired booth holds", released)
        except Exception:
            logger.exception("hold sweep failed")
        time.sleep(60)


@asynccontextmanager
async def lifespan(app: FastAPI):
    sweeper = threading.Thread(target=_release_expired_holds_forever, name="hold-sweeper", daemon=True)
    sweeper.start()  # expect: SCL003
    yield
    database.dispose()


app = FastAPI(title="ExpoHub Exhibitor API", version="2.3.0", debug=settings.debug, lifespan=lifespan)

app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])  # expect: SEC013


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    rid = request.headers.get("x-request-id") or uuid.uuid4().hex
    token = request_id_var.set(rid[:64])
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["x-request-id"] = rid[:64]
    return response


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception):
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(status_code=500, content={"detail": "internal error"})


@app.get("/healthz", include_in_schema=False)
def healthz():
    ok = database.ping()
    return JSONResponse(status_code=200 if ok else 503, content={"database": "ok" if ok else "down"})


for router in (booths.router, holds.router, badges.router, brochures.router, logos.router, directory.router):
    app.include_router(router)
app.include_router(payments.router)
app.include_router(sponsorships.router)
