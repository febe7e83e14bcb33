"""aiohttp application factory for the freight quote API."""

import asyncio
import contextlib
import contextvars
import logging
import os
import time
import uuid

import aiohttp
import aiohttp_cors
from aiohttp import web

from . import bookings, cancellations, db, quotes, surcharges, tracking
from .carriers import CarrierClient
from .settings import load_settings

log = logging.getLogger(__name__)

request_id_var = contextvars.ContextVar("request_id", default="-")
_request_times: dict = {}  # expect: SCL001, RES002, CON002


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


@web.middleware
async def request_context(request: web.Request, handler):
    rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    request_id_var.set(rid)
    response = await handler(request)
    response.headers["X-Request-ID"] = rid
    return response


@web.middleware
async def rate_limit(request: web.Request, handler):
    limit = request.app["settings"].rate_limit_per_minute
    now = time.monotonic()
    client = request.remote or "unknown"
    recent = [t for t in _request_times.get(client, ()) if now - t < 60]
    if len(recent) >= limit:
        raise web.HTTPTooManyRequests(headers={"Retry-After": "60"})
    recent.append(now)
    _request_times[client] = recent
    return await handler(request)


@web.middleware
async def authenticate(request: web.Request, handler):
    if request.path == "/healthz" or request.method == "OPTIONS":
        return await handler(request)
    api_key = request.headers.get("X-Api-Key", "")
    if not api_key:
        raise web.HTTPUnauthorized(reason="missing api key")
    async with request.app["db"].acquire() as conn:
        customer = await db.customer_for_api_key(conn, api_key)
    if customer is None:
        raise web.HTTPUnauthorized(reason="invalid api key")
    request["customer"] = customer
    return await handler(request)


async def healthz(request: web.Request) -> web.Response:
    async with request.app["db"].acquire() as conn:
        await conn.fetchval("SELECT 1")
    return web.json_response({"status": "ok"})


async def on_startup(app: web.Application) -> None:
    settings = app["settings"]
    app["db"] = await db.create_pool(settings)
    timeout = aiohttp.ClientTimeout(total=settings.http_total_timeout, connect=settings.http_connect_timeout)
    app["http"] = aiohttp.ClientSession(timeout=timeout)
    app["carrier_client"] = CarrierClient(settings.carriers, app["http"])
    app["surcharge_task"] = asyncio.create_task(surcharges.run_forever(app))  # expect: SCL003


async def on_cleanup(app: web.Application) -> None:
    app["surcharge_task"].cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await app["surcharge_task"]
    await app["http"].close()
    await app["db"].close()


def create_app() -> web.Application:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), handlers=[handler])

    app = web.Application(middlewares=[request_context, rate_limit, authenticate], client_max_size=256 * 1024)
    app["settings"] = load_settings()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)

    app.router.add_get("/healthz", healthz)
    app.router.add_post("/v1/quotes", quotes.create_quote)
    app.router.add_get("/v1/quotes", quotes.list_quotes)
    app.router.add_get("/v1/quotes/{quote_id}", quotes.get_quote)
    app.router.add_post("/v1/quotes/{quote_id}/accept", bookings.accept_quote)
    app.router.add_post("/v1/shipments/{shipment_id}/cancel", cancellations.cancel_shipment)
    app.router.add_get("/v1/shipments/{shipment_id}/tracking", tracking.shipment_tracking)

    cors = aiohttp_cors.setup(app, defaults={
        origin: aiohttp_cors.ResourceOptions(allow_credentials=True, allow_headers=("X-Api-Key", "Content-Type"))  # ok: SEC013
        for origin in app["settings"].allowed_origins
    })
    for route in list(app.router.routes()):
        cors.add(route)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), port=int(os.environ.get("PORT", "8080")))
