"""FastAPI application for the sail loft: repair orders, quotes, stock and pickups."""
import asyncio
import contextlib
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from .config import get_settings
from .db import ping
from . import auth
from .routers import deposits, orders, photos, pickups, quotes, stock
from .services.stock import refresh_cloth_prices

logger = logging.getLogger("sailmaker")
settings = get_settings()

PRICE_REFRESH_SECONDS = 15 * 60


async def _price_refresh_loop() -> None:
    """Keep sailcloth prices in step with the chandlery's list."""
    while True:
        try:
            updated = await asyncio.to_thread(refresh_cloth_prices)  # ok: CON001
            logger.info("cloth prices refreshed rolls=%s", updated)
        except Exception:
            logger.exception("cloth price refresh failed")
        await asyncio.sleep(PRICE_REFRESH_SECONDS)


@asynccontextmanager
async def lifespan(app: FastAPI):
    refresher = asyncio.create_task(_price_refresh_loop())  # expect: SCL003
    yield
    refresher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await refresher


app = FastAPI(
    title="Sail repair orders",
    version="1.8.2",
    debug=settings.debug,  # ok: SEC006
    lifespan=lifespan,
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
)


@app.middleware("http")
async def request_id_middleware(request: Request, call_next):
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    request.state.request_id = request_id
    response = await call_next(request)
    response.headers["x-request-id"] = request_id
    return response


@app.exception_handler(Exception)
async def unhandled_error(request: Request, exc: Exception):
    logger.exception(
        "unhandled error path=%s request_id=%s",
        request.url.path,
        getattr(request.state, "request_id", "-"),
    )
    return JSONResponse({"detail": "Internal server error"}, status_code=500)


@app.get("/healthz", include_in_schema=False)
def healthz():
    if not ping():
        return JSONResponse({"status": "degraded", "database": "down"}, status_code=503)
    return {"status": "ok"}


for router in (auth.router, orders.router, quotes.router, stock.router, photos.router, pickups.router, deposits.router):
    app.include_router(router, prefix="/api")
