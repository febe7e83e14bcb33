"""Application factory for the gritting dispatch API.

Run with ``sanic dispatch.app:create_app --factory --host 0.0.0.0 --port 8000 --workers 4``.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import uuid
from datetime import datetime, timezone

from redis import asyncio as aioredis
from sanic import Sanic
from sanic.response import json
from tortoise.contrib.sanic import register_tortoise

from dispatch.blueprints.billing import bp as billing_bp
from dispatch.blueprints.drivers import bp as drivers_bp
from dispatch.blueprints.pings import bp as pings_bp
from dispatch.blueprints.runs import bp as runs_bp
from dispatch.blueprints.salt import bp as salt_bp
from dispatch.blueprints.webhooks import bp as webhooks_bp
from dispatch.cache import DepotDirectory
from dispatch.config import load_settings
from dispatch.reports.route_completion import bp as reports_bp
from dispatch.services.invoicing import run_monthly_invoicing

logger = logging.getLogger(__name__)
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def create_app() -> Sanic:
    settings = load_settings()
    app = Sanic("snowplough_dispatch")
    app.config.REQUEST_MAX_SIZE = 2 * 1024 * 1024  # ok: SEC019
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.settings = settings

    for blueprint in (billing_bp, drivers_bp, pings_bp, runs_bp, salt_bp, webhooks_bp, reports_bp):
        app.blueprint(blueprint)

    register_tortoise(
        app,
        db_url=settings.database_url,
        modules={"models": ["dispatch.models"]},
        generate_schemas=False,
    )

    @app.on_request
    async def bind_request_id(request):
        request.ctx.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        request_id_var.set(request.ctx.request_id)

    @app.on_response
    async def echo_request_id(request, response):
        response.headers["X-Request-ID"] = getattr(request.ctx, "request_id", "-")

    @app.before_server_start
    async def open_clients(app, _loop):
        app.ctx.redis = aioredis.from_url(
            settings.redis_url, socket_timeout=2.0, socket_connect_timeout=2.0, decode_responses=True
        )
        app.ctx.depots = DepotDirectory(maxsize=256)

    @app.after_server_start
    async def start_background_work(app, _loop):
        app.add_task(_refresh_depot_directory(app), name="depot-directory")  # ok: SCL003
        app.add_task(_invoice_loop(app), name="monthly-invoicing")  # expect: SCL003

    @app.before_server_stop
    async def close_clients(app, _loop):
        await app.ctx.redis.aclose()

    @app.get("/health")
    async def health(request):
        return json({"status": "ok"})

    return app


async def _refresh_depot_directory(app: Sanic) -> None:
    while True:
        try:
            await app.ctx.depots.reload()
        except Exception:
            logger.exception("depot directory refresh failed")
        await asyncio.sleep(300)


async def _invoice_loop(app: Sanic) -> None:
    settings = app.ctx.settings
    last_run_month = None
    while True:
        now = datetime.now(timezone.utc)
        month_key = (now.year, now.month)
        if now.day == settings.invoice_day_of_month and now.hour >= 6 and last_run_month != month_key:
            try:
                count = await run_monthly_invoicing(settings)
                logger.info("monthly invoicing finished, %d invoices sent", count)
                last_run_month = month_key
            except Exception:
                logger.exception("monthly invoicing failed")
        await asyncio.sleep(900)
