"""FastAPI application for KXRD pledge drives and recurring donations."""
import logging
import time
import uuid
from contextlib import asynccontextmanager
from contextvars import ContextVar

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from . import auth
from .config import settings
from .models import engine
from .routers import admin, donors, matching_gifts, pledges, recurring, webhooks
from .services.processor import ProcessorClient

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if settings.debug else logging.INFO)


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings.check_production()
    _configure_logging()
    app.state.processor = ProcessorClient(
        settings.processor_base_url,
        settings.processor_api_key.get_secret_value(),
        timeout=settings.processor_timeout_seconds,
    )
    yield
    await app.state.processor.aclose()
    await engine.dispose()


app = FastAPI(title="KXRD Donations", lifespan=lifespan, debug=settings.debug)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def request_context(request: Request, call_next):
    rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    started = time.perf_counter()
    try:
        response = await call_next(request)
        response.headers["X-Request-ID"] = rid
        logging.getLogger("radio.access").info(
            "%s %s %s %.1fms", request.method, request.url.path, response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response
    finally:
        request_id_var.reset(token)


for module in (auth, pledges, matching_gifts, donors, recurring, webhooks, admin):
    app.include_router(module.router)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}
