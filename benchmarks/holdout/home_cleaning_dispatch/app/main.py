"""FastAPI entry point for the cleaning dispatch API."""
import asyncio
import contextlib
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app import auth
from app.core import configure_logging, engine, redis_client, request_id_var, settings
from app.routers import bookings, chat, photos, ratings, tips
from app.services import recurring_bookings
from app.services.sms_reminders import reminder_loop

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI):
    configure_logging()
    reminders = asyncio.create_task(reminder_loop(), name="sms-reminders")  # expect: SCL003
    logger.info("dispatch API started")
    try:
        yield
    finally:
        reminders.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reminders
        await redis_client.aclose()
        await engine.dispose()


app = FastAPI(title="Sparkle Dispatch", version="2.4.1", lifespan=lifespan, debug=settings.debug)  # ok: SEC006

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
    token = request_id_var.set(request_id[:64])
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = request_id[:64]
    return response


app.include_router(auth.router)
app.include_router(bookings.router)
app.include_router(recurring_bookings.router)
app.include_router(tips.router)
app.include_router(chat.router)
app.include_router(photos.router)
app.include_router(ratings.router)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz():
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        await redis_client.ping()
    except Exception:
        logger.exception("readiness check failed")
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return {"status": "ready"}
