"""FastAPI application for the hotel booking service."""
import contextvars
import logging
import os
import uuid

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import text

from . import cancellations, loyalty, no_shows, reservations, room_search
from .dependencies import engine

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Stamp every log record with the id of the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.addFilter(RequestIdFilter())
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), handlers=[_handler])

app = FastAPI(
    title="Hotel Rooms API",
    debug=os.environ.get("APP_DEBUG", "false").lower() == "true",  # ok: SEC006
)

ALLOWED_ORIGINS = [o.strip() for o in os.environ.get("ALLOWED_ORIGINS", "https://book.example-hotels.com").split(",") if o.strip()]
app.add_middleware(
    CORSMiddleware,
    allow_origins=ALLOWED_ORIGINS,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def request_id_middleware(request: Request, call_next):
    request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = request_id
    return response


for module in (room_search, reservations, cancellations, loyalty, no_shows):
    app.include_router(module.router)


@app.get("/healthz", include_in_schema=False)
def healthz():
    """Liveness and database reachability for the container health check."""
    with engine.connect() as conn:  # ok: RES001
        conn.execute(text("SELECT 1"))
    return {"status": "ok"}
