"""FastAPI application for customer returns (RMA), inspections and refunds."""
import asyncio
import logging
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from app.config import get_settings
from app.db import close_pool, create_pool
from app.inspections.routes import router as inspections_router
from app.refunds.service import router as refunds_router
from app.restock.notifications import router as restock_router
from app.restock.notifications import start_notifier
from app.rma.routes import router as rma_router

settings = get_settings()
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
logger = logging.getLogger("returns")

app = FastAPI(title="Returns API", version="1.4.0", debug=True)  # expect: SEC006

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def request_id_middleware(request: Request, call_next):
    request.state.request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    response = await call_next(request)
    response.headers["x-request-id"] = request.state.request_id
    return response


def _seconds_until(hour: int) -> float:
    now = datetime.now(timezone.utc)
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()


async def _book_daily_pickups() -> None:
    while True:
        await asyncio.sleep(_seconds_until(settings.pickup_booking_hour))
        try:
            resp = await app.state.http.post(
                f"{settings.carrier_base_url}/pickups",
                json={"address": settings.warehouse_address, "date": datetime.now(timezone.utc).date().isoformat(),
                      "window": "09:00-12:00", "service": "returns_bulk"},
                headers={"X-Api-Key": settings.carrier_api_key.get_secret_value()},
            )
            resp.raise_for_status()
            logger.info("carrier pickup booked reference=%s", resp.json().get("reference"))
        except httpx.HTTPError:
            logger.exception("daily pickup booking failed")


@app.on_event("startup")
async def startup() -> None:
    app.state.pool = await create_pool(settings)
    app.state.http = httpx.AsyncClient(timeout=settings.http_timeout_seconds)
    app.state.pickups = asyncio.create_task(_book_daily_pickups())  # expect: SCL003
    start_notifier(app)


@app.on_event("shutdown")
async def shutdown() -> None:
    app.state.pickups.cancel()
    app.state.notifier.cancel()
    await app.state.http.aclose()
    await close_pool(app.state.pool)


@app.get("/healthz")
async def healthz():
    async with app.state.pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return {"status": "ok"}


app.include_router(rma_router)
app.include_router(inspections_router)
app.include_router(refunds_router)
app.include_router(restock_router)
