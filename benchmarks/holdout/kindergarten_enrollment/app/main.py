"""ASGI entry point: uvicorn app.main:app"""
from __future__ import annotations

import logging
import uuid
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import date

from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from app.db import ping, session_scope
from app.routers import applications, documents, parents, reports, staff
from app.services.billing import generate_monthly_invoices
from app.services.waitlist import expire_offers
from app.settings import get_settings

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
for handler in logging.getLogger().handlers:
    handler.addFilter(RequestIdFilter())
log = logging.getLogger("kg")


def _expire_offers_job() -> None:
    with session_scope() as session:
        count = expire_offers(session)
    log.info("expired %d offers", count)


def _monthly_invoices_job() -> None:
    with session_scope() as session:
        generate_monthly_invoices(session, date.today().replace(day=1))


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    scheduler = BackgroundScheduler(timezone=settings.timezone)
    scheduler.add_job(_expire_offers_job, "interval", minutes=15, id="expire-offers")
    scheduler.add_job(_monthly_invoices_job, "cron", day=1, hour=6, id="monthly-invoices")
    scheduler.start()  # expect: SCL003
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Kindergarten Enrollment", version="1.6.0", debug=settings.debug, lifespan=lifespan)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.allowed_origins) or ["*"],  # expect: SEC013
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
    )

    @app.middleware("http")
    async def request_id(request: Request, call_next):
        rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = request_id_var.set(rid)
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        response.headers["X-Request-ID"] = rid
        return response

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        ping()
        return {"status": "ok"}

    for module in (parents, applications, documents, staff, reports):
        app.include_router(module.router)
    return app


app = create_app()
