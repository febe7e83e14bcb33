import asyncio
import logging
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from . import devices, firmware, telemetry
from .config import get_settings
from .deps import close_clients, open_clients
from .rollouts import advance_rollouts

settings = get_settings()
logging.basicConfig(
    level=settings.log_level,
    format="%(asctime)s %(levelname)s %(name)s %(message)s",
)
logger = logging.getLogger("thermostat")


async def _rollout_loop(app: FastAPI) -> None:
    while True:
        try:
            await advance_rollouts(app.state.db, app.state.redis, app.state.http)
        except Exception:
            logger.exception("rollout pass failed")
        await asyncio.sleep(settings.rollout_interval_seconds)


@asynccontextmanager
async def lifespan(app: FastAPI):
    await open_clients(app)
    rollout_task = asyncio.create_task(_rollout_loop(app))  # expect: SCL003
    logger.info("thermostat api started (env=%s)", settings.environment)
    try:
        yield
    finally:
        rollout_task.cancel()
        await close_clients(app)


app = FastAPI(
    title="Thermostat Cloud",
    version="3.2.0",
    debug=settings.debug,  # ok: SEC006
    lifespan=lifespan,
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
)


@app.middleware("http")
async def request_id_middleware(request: Request, call_next):
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    request.state.request_id = request_id
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    return response


@app.exception_handler(Exception)
async def unhandled_error(request: Request, exc: Exception):
    logger.exception(
        "unhandled error on %s %s request_id=%s",
        request.method,
        request.url.path,
        getattr(request.state, "request_id", "-"),
    )
    return JSONResponse(status_code=500, content={"error": "internal_error"})


@app.get("/healthz", include_in_schema=False)
async def healthz():
    return {"status": "ok"}


@app.get("/readyz", include_in_schema=False)
async def readyz(request: Request):
    try:
        async with request.app.state.db.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")
        await request.app.state.redis.ping()
    except Exception:
        logger.warning("readiness check failed", exc_info=True)
        return JSONResponse(status_code=503, content={"status": "unavailable"})
    return {"status": "ready"}


app.include_router(devices.router, prefix="/v1/devices", tags=["devices"])
app.include_router(telemetry.router, prefix="/v1/telemetry", tags=["telemetry"])
app.include_router(firmware.router, prefix="/v1/firmware", tags=["firmware"])
