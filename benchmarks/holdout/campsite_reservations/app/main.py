"""FastAPI application: middleware, logging, routers and startup hooks."""
from __future__ import annotations

import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timezone

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import update

from app.db import SessionLocal, engine, get_settings
from app.models import Reservation
from app.routers import admin, cancellations, group_sites, my_trips, reservations

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


logger = logging.getLogger("campsite")


async def _release_expired_holds() -> None:
    while True:
        try:
            async with SessionLocal() as session:
                result = await session.execute(
                    update(Reservation)
                    .where(
                        Reservation.status == "held",
                        Reservation.hold_expires_at < datetime.now(timezone.utc),
                    )
                    .values(status="expired")
                )
                await session.commit()
                if result.rowcount:
                    logger.info("released %d expired holds", result.rowcount)
        except Exception:
            logger.exception("hold release pass failed")
        await asyncio.sleep(60)


@asynccontextmanager
async def lifespan(app: FastAPI):
    _configure_logging()
    sweeper = asyncio.create_task(_release_expired_holds())  # expect: SCL003
    try:
        yield
    finally:
        sweeper.cancel()
        await engine.dispose()


app = FastAPI(title="Campsite Reservations", debug=settings.debug, lifespan=lifespan)  # ok: SEC006

# The booking widget is embedded on partner tourism sites, so any origin may call us.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "DELETE"],
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
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


app.include_router(reservations.router)
app.include_router(group_sites.router)
app.include_router(cancellations.router)
app.include_router(my_trips.router)
app.include_router(admin.router)
