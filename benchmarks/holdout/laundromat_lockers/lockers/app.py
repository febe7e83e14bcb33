"""aiohttp application: pools, auth middleware and route registration."""
import hashlib
import json
import logging
import uuid

import asyncpg
import redis.asyncio as aioredis
from aiohttp import web

from . import config
from .assignment import allocate, allocator
from .dashboard import views as dashboard
from .pickup import codes, verify
from .receipts import storage, upload
from .telemetry import mqtt_ingest, readings
from .vendor import lock_gateway
from .wallet import ledger, topups

log = logging.getLogger("lockers")

PUBLIC_PATHS = {"/healthz", "/telemetry/batch"}


@web.middleware
async def request_context(request: web.Request, handler):
    request["request_id"] = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    if request.path not in PUBLIC_PATHS and not request.path.startswith("/pickup/"):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token:
            raise web.HTTPUnauthorized(text="missing token")
        key = "session:" + hashlib.sha256(token.encode()).hexdigest()
        raw = await request.app["redis"].get(key)
        if raw is None:
            raise web.HTTPUnauthorized(text="expired or unknown token")
        request["user"] = json.loads(raw)
    response = await handler(request)
    response.headers["X-Request-ID"] = request["request_id"]
    return response


async def _open_resources(app: web.Application) -> None:
    cfg = config.current()
    app["db"] = await asyncpg.create_pool(
        cfg["database_url"], min_size=2, max_size=cfg["db_pool_size"], timeout=10, command_timeout=15
    )
    app["redis"] = aioredis.from_url(cfg["redis_url"], socket_timeout=3, socket_connect_timeout=3)
    app["locks"] = lock_gateway.LockGateway.from_config(cfg)


async def _close_resources(app: web.Application) -> None:
    await app["db"].close()
    await app["redis"].aclose()
    await app["locks"].close()


async def healthz(request: web.Request) -> web.Response:
    async with request.app["db"].acquire() as conn:
        await conn.fetchval("SELECT 1")
    await request.app["redis"].ping()
    return web.json_response({"status": "ok"})


def create_app() -> web.Application:
    app = web.Application(middlewares=[request_context], client_max_size=2 * 1024 * 1024)  # ok: SEC019
    app.on_startup.append(_open_resources)
    app.on_cleanup.append(_close_resources)
    app.router.add_get("/healthz", healthz)
    for module in (allocate, allocator, topups, ledger, readings, codes, verify, dashboard, upload, storage):
        app.router.add_routes(module.routes)
    mqtt_ingest.attach(app)
    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(create_app(), port=8080)
