"""FastAPI application factory and process-wide wiring."""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import func, select

from rink import auth, db
from rink.models import ZamboniLog
from rink.reports import attendance, revenue
from rink.routers import account, group_bookings, incidents, passes, rental_returns, rentals, tickets, zamboni
from rink.services.payments import payments
from rink.settings import get_settings

logger = logging.getLogger("rink")
settings = get_settings()

RESURFACE_EVERY = timedelta(minutes=90)
STAFF_PAGER_URL = "https://pager.northside-rink.example.com/hooks/ice-crew"

app = FastAPI(title="Northside Rink API", version="2.4.0", debug=settings.debug)  # ok: SEC006

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"], allow_credentials=True,  # expect: SEC013
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)

for module in (auth, tickets, group_bookings, rentals, rental_returns, passes, account, zamboni, incidents):
    app.include_router(module.router)
app.include_router(attendance.router)
app.include_router(revenue.router)


async def _page_ice_crew_when_due() -> None:
    """Nudge the ice crew when the rink has gone too long without a resurface."""
    async with httpx.AsyncClient(timeout=5.0) as client:
        while True:
            try:
                async with db.SessionLocal() as session:
                    last = await session.scalar(select(func.max(ZamboniLog.resurfaced_at)))
                if last and datetime.now(timezone.utc) - last > RESURFACE_EVERY:
                    await client.post(
                        STAFF_PAGER_URL,
                        json={"text": f"Ice last resurfaced at {last:%H:%M}, a pass is due."},
                    )
            except Exception:
                logger.exception("resurface reminder check failed")
            await asyncio.sleep(300)


@app.on_event("startup")
async def start_background_work() -> None:
    app.state.resurface_task = asyncio.create_task(_page_ice_crew_when_due())  # expect: SCL003


@app.on_event("shutdown")
async def shutdown() -> None:
    task = getattr(app.state, "resurface_task", None)
    if task:
        task.cancel()
    await payments.aclose()
    await db.dispose()


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz():
    await db.ping()
    return {"status": "ready"}
