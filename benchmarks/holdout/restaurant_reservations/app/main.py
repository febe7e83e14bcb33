import asyncio
import logging
import uuid
from contextlib import asynccontextmanager
from contextvars import ContextVar

import redis.asyncio as redis
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from app import daily_report, deposits, no_show, partner_webhooks, reservations, waitlist
from app.config import get_settings
from app.db import dispose_engines
from app.reminders import reminder_loop
from app.sms_client import SmsClient

settings = get_settings()
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.addFilter(RequestIdFilter())
logging.basicConfig(
    level=logging.DEBUG if settings.debug else logging.INFO,
    format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
    handlers=[_handler],
)
logger = logging.getLogger("reservations")


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.redis = redis.from_url(
        settings.redis_url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
    )
    app.state.sms = SmsClient(settings)
    reminders_task = asyncio.create_task(reminder_loop(app.state.sms))  # expect: SCL003
    logger.info("reservations api started env=%s", settings.environment)
    try:
        yield
    finally:
        reminders_task.cancel()
        await app.state.sms.aclose()
        await app.state.redis.aclose()
        await dispose_engines()


app = FastAPI(
    title="Reservations API",
    version="2.4.0",
    debug=settings.debug,  # ok: SEC006
    lifespan=lifespan,
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def request_id_middleware(request: Request, call_next):
    request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    request.state.request_id = request_id
    token = request_id_var.set(request_id)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = request_id
    return response


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz(request: Request):
    await request.app.state.redis.ping()
    return {"status": "ready"}


app.include_router(reservations.router)
app.include_router(deposits.router)
app.include_router(waitlist.router)
app.include_router(no_show.router)
app.include_router(partner_webhooks.router)
app.include_router(daily_report.router)
