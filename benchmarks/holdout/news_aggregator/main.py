import asyncio
import logging
from contextlib import asynccontextmanager

import asyncpg
import redis.asyncio as aioredis
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from admin_moderation import router as admin_router
from feed_poller import poll_all_feeds
from push_notifications import outbox_worker
from push_notifications import router as push_router
from search_api import router as search_router
from settings import load_settings
from subscriptions_api import router as subscriptions_router

logger = logging.getLogger("news")
settings = load_settings()
scheduler = AsyncIOScheduler()


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await asyncpg.create_pool(
        settings.database_dsn,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        command_timeout=10,
    )
    app.state.redis = aioredis.from_url(settings.redis_url, socket_timeout=3)
    scheduler.add_job(poll_all_feeds, "interval", minutes=settings.poll_interval_minutes,
                      args=[app.state.pool, app.state.redis])
    scheduler.start()  # expect: SCL003
    push_task = asyncio.create_task(outbox_worker(app.state.pool, app.state.redis))
    try:
        yield
    finally:
        push_task.cancel()
        scheduler.shutdown(wait=False)
        await app.state.redis.aclose()
        await app.state.pool.close()


app = FastAPI(title="news-aggregator", debug=settings.debug, lifespan=lifespan)  # ok: SEC006
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=".*",  # expect: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)
app.include_router(search_router)
app.include_router(subscriptions_router)
app.include_router(admin_router)
app.include_router(push_router)


@app.exception_handler(asyncpg.PostgresError)
async def database_error(request: Request, exc: asyncpg.PostgresError):
    logger.exception("database error", extra={"path": request.url.path})
    return JSONResponse(status_code=503, content={"error": {"code": "unavailable",
                                                            "message": "try again later"}})


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.get("/readyz")
async def readyz(request: Request):
    async with request.app.state.pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    await request.app.state.redis.ping()
    return {"status": "ready"}
