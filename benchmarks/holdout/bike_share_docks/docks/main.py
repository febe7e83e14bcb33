import asyncio
import contextvars
import logging
import os
import uuid
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from . import db
from .dock_status_store import mark_stale_docks
from .fares import router as fares_router
from .live_map import router as map_router
from .maintenance_tickets import router as maintenance_router
from .rides import router as rides_router
from .wallet_ledger import router as ledger_router
from .wallet_topups import router as topups_router

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


_handler = logging.StreamHandler()
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s rid=%(request_id)s %(message)s"))
_handler.addFilter(RequestIdFilter())
logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), handlers=[_handler])
logger = logging.getLogger("docks.api")

OPS_ALERT_URL = os.environ.get("OPS_ALERT_URL", "")
STALE_AFTER_SECONDS = int(os.environ.get("STALE_AFTER_SECONDS", "300"))
SWEEP_INTERVAL_SECONDS = 120


def _sweep_once(pool) -> tuple[list[int], int]:
    with pool.connection() as conn:
        newly_stale = mark_stale_docks(conn, STALE_AFTER_SECONDS)
        offline_total = conn.execute("SELECT count(*) FROM docks WHERE status = 'offline'").fetchone()[0]
    return newly_stale, offline_total


async def _sweep_stale_docks(pool) -> None:
    async with httpx.AsyncClient(timeout=5.0) as client:
        while True:
            await asyncio.sleep(SWEEP_INTERVAL_SECONDS)
            try:
                newly_stale, offline_total = await asyncio.to_thread(_sweep_once, pool)
                if offline_total and OPS_ALERT_URL:
                    await client.post(
                        OPS_ALERT_URL,
                        json={"text": f"{offline_total} docks offline ({len(newly_stale)} new)", "new": newly_stale[:50]},
                    )
            except Exception:
                logger.exception("stale dock sweep failed")


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = db.open_pool()
    app.state.redis = db.open_redis()
    sweeper = asyncio.create_task(_sweep_stale_docks(app.state.pool))  # expect: SCL003
    try:
        yield
    finally:
        sweeper.cancel()
        app.state.pool.close()
        app.state.redis.close()


app = FastAPI(title="Docks API", version="2.3.1", lifespan=lifespan, debug=os.environ.get("API_DEBUG") == "1")  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origins=[o for o in os.environ.get("CORS_ORIGINS", "https://map.citybikes.example").split(",") if o],  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def bind_request_id(request: Request, call_next):
    rid = request.headers.get("x-request-id") or uuid.uuid4().hex
    token = request_id_var.set(rid)
    try:
        response = await call_next(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = rid
    return response


@app.get("/healthz")
async def healthz():
    ready = await asyncio.to_thread(db.database_ready, app.state.pool)
    return JSONResponse({"status": "ok" if ready else "degraded"}, status_code=200 if ready else 503)


for router in (rides_router, fares_router, topups_router, ledger_router, maintenance_router, map_router):
    app.include_router(router)
