"""aiohttp application: meter push API, payments, ops endpoints, Kafka ingestion."""
import asyncio
import logging
import os
import uuid
from contextvars import ContextVar

import aiohttp
from aiohttp import web

from meters import grid_export, payments, readings_api
from meters.anomalies import anomaly_scan_loop
from meters.db import close_pool, create_pool, healthcheck
from meters.grid_client import GridClient
from meters.ingest_consumer import ReadingConsumer
from meters.settings import Settings

logger = logging.getLogger("meters")
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


@web.middleware
async def request_id_middleware(request: web.Request, handler):
    request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    request["request_id"] = request_id
    token = request_id_var.set(request_id)
    try:
        response = await handler(request)
    finally:
        request_id_var.reset(token)
    response.headers["X-Request-ID"] = request_id
    return response


async def health(request: web.Request) -> web.Response:
    ok = await healthcheck(request.app["db"])
    return web.json_response({"database": ok}, status=200 if ok else 503)


async def on_startup(app: web.Application) -> None:
    settings: Settings = app["settings"]
    app["db"] = await create_pool(settings)
    app["http"] = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=settings.grid_timeout_seconds),  # ok: REL001
        connector=aiohttp.TCPConnector(limit=50),
    )
    app["grid"] = GridClient(app["http"], settings)
    app["consumer"] = ReadingConsumer(settings, app["db"], asyncio.get_running_loop())
    app["consumer"].start()  # ok: SCL003
    app["anomaly_task"] = asyncio.create_task(anomaly_scan_loop(app))  # expect: SCL003
    logger.info("meter-readings started")


async def on_cleanup(app: web.Application) -> None:
    app["anomaly_task"].cancel()
    app["consumer"].stop()
    await asyncio.to_thread(app["consumer"].join, 15)
    await app["http"].close()
    await close_pool(app["db"])


def create_app(settings: Settings | None = None) -> web.Application:
    app = web.Application(middlewares=[request_id_middleware], client_max_size=256 * 1024)
    app["settings"] = settings or Settings.from_env()
    app.router.add_get("/healthz", health)
    app.add_routes(readings_api.routes)
    app.add_routes(payments.routes)
    app.add_routes(grid_export.routes)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


if __name__ == "__main__":
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    logging.basicConfig(
        level=os.environ.get("METERS_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        handlers=[handler],
    )
    application = create_app()
    web.run_app(application, port=application["settings"].listen_port, access_log=logger)
