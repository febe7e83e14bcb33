"""ASGI entry point: `uvicorn app.main:app`."""
from __future__ import annotations

import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager
from datetime import date, timedelta

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import select, text

from app.core import SessionLocal, engine, settings
from app.models import SkiPass
from app.reports import daily, season
from app.routers import closures, lessons, rentals, scans, topups
from app.services import gate_ledger, lesson_slots, wallet

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s")
for handler in logging.getLogger().handlers:
    handler.addFilter(RequestIdFilter())
log = logging.getLogger("lifts")


async def _expiry_reminders() -> None:
    async with httpx.AsyncClient(base_url=settings.notify_url, timeout=5.0) as notify:
        while True:
            tomorrow = date.today() + timedelta(days=1)
            async with SessionLocal() as session:
                expiring = await session.scalars(
                    select(SkiPass.id).where(SkiPass.valid_to == tomorrow, SkiPass.status == "active")
                )
                for pass_id in expiring:
                    await notify.post("/push/pass-expiring", json={"pass_id": pass_id})
            await asyncio.sleep(6 * 3600)


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings.validate()
    reminders = asyncio.create_task(_expiry_reminders())  # expect: SCL003
    yield
    reminders.cancel()
    await engine.dispose()


app = FastAPI(title="Lift Pass API", version="3.4.0", lifespan=lifespan, debug=settings.debug)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
)


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    rid = request.headers.get("x-request-id") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["x-request-id"] = rid
    return response


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return {"status": "ok"}


for module in (scans, topups, lessons, rentals, closures, daily, gate_ledger, wallet, lesson_slots, season):
    app.include_router(module.router)
