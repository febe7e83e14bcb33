"""aiohttp application factory for the grower dashboard API and gateway ingest."""
from __future__ import annotations

import asyncio
import logging
import uuid

import aiohttp_cors
import httpx
from aiohttp import web

from greenhouse import (
    alert_rules, alerts, auth, calibration, dashboard_api, exports, irrigation, photos, readings_api,
)
from greenhouse.config import Settings
from greenhouse.models import make_engine, make_sessionmaker

log = logging.getLogger("greenhouse.app")


@web.middleware
async def request_id_middleware(request: web.Request, handler):
    request["request_id"] = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    response = await handler(request)
    response.headers["X-Request-ID"] = request["request_id"]
    return response


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _on_startup(app: web.Application) -> None:
    settings: Settings = app["settings"]
    app["engine"] = make_engine(settings.database_url)
    app["sessionmaker"] = make_sessionmaker(app["engine"])
    app["http"] = httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=10.0))
    app["alert_task"] = asyncio.create_task(alerts.evaluate_forever(app))  # expect: SCL003


async def _on_cleanup(app: web.Application) -> None:
    app["alert_task"].cancel()
    await app["http"].aclose()
    await app["engine"].dispose()


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings.from_env()
    app = web.Application(
        middlewares=[request_id_middleware, auth.session_middleware],
        client_max_size=settings.max_upload_bytes,
    )
    app["settings"] = settings
    app.on_startup.append(_on_startup)
    app.on_cleanup.append(_on_cleanup)

    app.router.add_get("/healthz", healthz)
    auth.setup_routes(app)
    readings_api.setup_routes(app)
    dashboard_api.setup_routes(app)
    irrigation.setup_routes(app)
    alert_rules.setup_routes(app)
    calibration.setup_routes(app)
    photos.setup_routes(app)
    exports.setup_routes(app)

    cors = aiohttp_cors.setup(
        app,
        defaults={
            "*": aiohttp_cors.ResourceOptions(  # expect: SEC013
                allow_credentials=True,
                expose_headers="*",
                allow_headers="*",
                allow_methods=["GET", "POST", "PUT", "DELETE"],
            )
        },
    )
    for route in list(app.router.routes()):
        cors.add(route)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    web.run_app(create_app(), host="0.0.0.0", port=8080, access_log_format='%a "%r" %s %Tf')


if __name__ == '__main__':
    main()
