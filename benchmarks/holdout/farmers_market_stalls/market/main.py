import asyncio
import contextvars
import logging
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from market.db import Database
from market.routes import (checkin, fees, listings, payments, photos, rentals, report_exports,
                           reports, sms, stalls, waitlist)
from market.settings import get_settings

request_id_var = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


logging.basicConfig(level=logging.INFO,
                    format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
for handler in logging.getLogger().handlers:
    handler.addFilter(RequestIdFilter())
log = logging.getLogger("market")

REMINDER_HOUR = 6


def _seconds_until(hour: int) -> float:
    now = datetime.now()
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()


async def _morning_reminders(db: Database) -> None:
    while True:
        await asyncio.sleep(_seconds_until(REMINDER_HOUR))
        try:
            sent = await asyncio.to_thread(sms.send_market_day_reminders, db)
            log.info("market-day reminders sent: %d", sent)
        except Exception:
            log.exception("market-day reminder run failed")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    app.state.db = Database(settings)
    reminders = asyncio.create_task(_morning_reminders(app.state.db))  # expect: SCL003
    try:
        yield
    finally:
        reminders.cancel()
        app.state.db.close()


settings = get_settings()
app = FastAPI(title="Riverside Market Stalls", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
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


@app.get("/healthz")
async def healthz(request: Request):
    if not request.app.state.db.ping():  # expect: CON001
        return JSONResponse({"status": "degraded"}, status_code=503)
    return {"status": "ok"}


for module in (stalls, rentals, waitlist, payments, fees, checkin, listings, photos, sms,
               reports, report_exports):
    app.include_router(module.router)
