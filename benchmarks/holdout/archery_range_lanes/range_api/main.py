"""Bullseye Range API: lanes, rentals, memberships, scores and the lane board."""
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

from .auth import router as auth_router
from .db import build_engine, build_sessionmaker
from .models import Member, Membership
from .routers import admin, lanes, memberships, rentals, scores
from .services import lane_board
from .services.card_processor import CardProcessor
from .services.receipts import render_renewal_notice, send_email
from .settings import get_settings

request_id_var = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.addFilter(RequestIdFilter())
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
logging.basicConfig(level=logging.INFO, handlers=[_handler])
logger = logging.getLogger("range_api")


async def _renewal_reminders(app: FastAPI) -> None:
    """Once a day, e-mail members whose membership lapses in 14 days."""
    settings = get_settings()
    while True:  # ok: REL002
        try:
            lapse_day = date.today() + timedelta(days=14)
            async with app.state.sessionmaker() as session:
                rows = (await session.execute(
                    select(Member.full_name, Member.email, Membership.plan)
                    .join(Membership, Membership.member_id == Member.id)
                    .where(Membership.expires_on == lapse_day, Membership.auto_renew.is_(False))
                )).all()
            if settings.postmark_token is not None:
                for name, email, plan in rows:
                    html = await asyncio.to_thread(render_renewal_notice, name, plan, lapse_day)
                    await send_email(app.state.http, settings.postmark_token.get_secret_value(),
                                     settings.mail_from, email, "Your membership ends soon", html,
                                     tag="renewal-reminder")
            logger.info("renewal reminders sent for %s: %s", lapse_day, len(rows))
        except Exception:
            logger.exception("renewal reminder run failed")
        await asyncio.sleep(24 * 3600)


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    app.state.engine = build_engine(settings)
    app.state.sessionmaker = build_sessionmaker(app.state.engine)
    app.state.http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))
    app.state.waivers = httpx.AsyncClient(base_url=settings.waiver_service_url, timeout=3.0)
    app.state.processor = CardProcessor(settings.processor_base_url, settings.processor_api_key.get_secret_value(),
                                        timeout=settings.processor_timeout_seconds)
    reminders = asyncio.create_task(_renewal_reminders(app))  # expect: SCL003
    try:
        yield
    finally:
        reminders.cancel()
        await app.state.processor.aclose()
        await app.state.waivers.aclose()
        await app.state.http.aclose()
        await app.state.engine.dispose()


app = FastAPI(title="Bullseye Range API", version="2.3.0", lifespan=lifespan, debug=get_settings().debug)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["x-request-id"] = request_id
    return response


for module_router in (auth_router, lanes.router, rentals.router, memberships.router,
                      scores.router, admin.router, lane_board.router):
    app.include_router(module_router)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz(request: Request):
    async with request.app.state.sessionmaker() as session:
        await asyncio.wait_for(session.execute(text("SELECT 1")), timeout=2)
    return {"status": "ready"}
