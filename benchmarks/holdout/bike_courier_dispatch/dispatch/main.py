"""PedalPost bike courier dispatch API (``uvicorn dispatch.main:app``)."""
import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from . import db, worker
from .admin import router as admin_router
from .clients import routing
from .routers import assignments, jobs, pings, tracking
from .settings import get_settings

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=settings.log_level,
                    format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
for _handler in logging.getLogger().handlers:
    _handler.addFilter(RequestIdFilter())
log = logging.getLogger("dispatch")


@asynccontextmanager
async def lifespan(app: FastAPI):
    background = asyncio.create_task(worker.run_forever())  # expect: SCL003
    log.info("dispatch API started")
    yield
    background.cancel()
    await asyncio.gather(background, return_exceptions=True)
    await routing.aclose()


app = FastAPI(title="PedalPost Dispatch", version="1.9.0", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])  # expect: SEC013


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


for router in (jobs.router, assignments.router, pings.router, tracking.router, admin_router):
    app.include_router(router)


@app.get("/healthz", include_in_schema=False)
def healthz():
    if not db.ping():
        return JSONResponse({"status": "degraded", "database": "unreachable"}, status_code=503)
    return {"status": "ok"}
