"""Lantern Hall box office API."""
import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import select

from boxoffice.config import get_settings
from boxoffice.db import SessionLocal, close_all, ping_dependencies
from boxoffice.models import Hold, User
from boxoffice.routers import artwork, checkout, door, group_holds, guestlist, holds, resale, riders, settlements, transfers
from boxoffice.services import mailing

settings = get_settings()
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
for _handler in logging.getLogger().handlers:
    _handler.addFilter(RequestIdFilter())
logger = logging.getLogger("boxoffice")

NUDGE_BEFORE = timedelta(minutes=2)


async def nudge_expiring_holds() -> None:
    """Email fans whose seats are about to drop back into the pool."""
    while True:
        try:
            now = datetime.now(timezone.utc)
            async with SessionLocal() as session:
                rows = (
                    await session.execute(
                        select(Hold, User.email)
                        .join(User, User.id == Hold.user_id)
                        .where(Hold.nudged_at.is_(None), Hold.group_label.is_(None), Hold.expires_at.between(now, now + NUDGE_BEFORE))
                        .limit(200)
                    )
                ).all()
                for hold, email in rows:
                    await mailing.client.send_one(email, "Your seats are held for 2 more minutes", "nudge", {"event_id": hold.event_id})
                    hold.nudged_at = now
                await session.commit()
        except Exception:
            logger.exception("hold nudge pass failed")
        await asyncio.sleep(30)


@asynccontextmanager
async def lifespan(app: FastAPI):
    nudger = asyncio.create_task(nudge_expiring_holds())  # expect: SCL003
    yield
    nudger.cancel()
    await mailing.client.aclose()
    await close_all()


app = FastAPI(title="Lantern Hall box office", debug=settings.debug, lifespan=lifespan)  # ok: SEC006

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID", "X-Device-Token"],
)


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = rid
    return response


for module in (holds, group_holds, checkout, resale, transfers, door, guestlist, riders, artwork, settlements, mailing):
    app.include_router(module.router)


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz():
    status = await ping_dependencies()
    code = 200 if all(status.values()) else 503
    return JSONResponse(status, status_code=code)
