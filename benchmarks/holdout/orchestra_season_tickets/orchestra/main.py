"""FastAPI application: routers, middleware and the nightly renewal run."""
import asyncio
import logging
import uuid
from datetime import date, datetime

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from . import auth, seatmap
from .db import get_pool
from .donors import queries as donor_queries
from .donors import routes as donor_routes
from .exports import box_office, stream
from .holds import hold_service, seat_holds
from .renewals.charge import run_renewals
from .settings import get_settings
from .subscriptions import routes as subscription_routes
from .subscriptions import service as subscription_service

log = logging.getLogger("orchestra")
settings = get_settings()

app = FastAPI(title="Season Tickets", debug=settings.debug)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)

for module in (
    auth, seatmap, hold_service, seat_holds, donor_queries, donor_routes,
    box_office, stream, subscription_routes, subscription_service,
):
    app.include_router(module.router)


@app.middleware("http")
async def request_context(request: Request, call_next):
    request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    request.state.request_id = request_id
    log.debug("request %s %s %s headers=%s", request_id, request.method, request.url.path, dict(request.headers))  # expect: SEC007
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    return response


def _current_season(today: date) -> str:
    start = today.year if today.month >= 7 else today.year - 1
    return f"{start}-{start + 1}"


async def _nightly_renewals() -> None:
    while True:
        now = datetime.now()
        if now.hour == 3:
            try:
                await run_renewals(_current_season(now.date()))
            except Exception:
                log.exception("renewal run failed")
        await asyncio.sleep(3600)


@app.on_event("startup")
async def startup() -> None:
    await asyncio.to_thread(get_pool().open, wait=True, timeout=15)  # ok: CON001
    app.state.renewal_task = asyncio.create_task(_nightly_renewals())  # expect: SCL003


@app.on_event("shutdown")
async def shutdown() -> None:
    app.state.renewal_task.cancel()
    await asyncio.to_thread(get_pool().close)


@app.get("/healthz")
def healthz() -> dict:
    with get_pool().connection(timeout=2) as conn:
        conn.execute("SELECT 1")
    return {"status": "ok"}
