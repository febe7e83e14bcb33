"""aiohttp application factory for the judging API."""
import asyncio
import contextlib
import logging
import os

from aiohttp import web

from judging import (artifacts, auth, leaderboard, leaderboard_stream, payout_worker, payouts,
                     score_ledger, scoring, submissions, team_invites, teams)
from judging.db import close_resources, open_resources
from judging.middleware import (auth_middleware, configure_logging, error_middleware,
                                request_id_middleware)
from judging.settings import Settings

log = logging.getLogger(__name__)


async def health(request):
    async with request.app["db"].acquire() as conn:
        await conn.fetchval("SELECT 1")
    await request.app["redis"].ping()
    return web.json_response({"status": "ok"})


async def _refresh_leaderboards(app):
    interval = app["settings"].leaderboard_refresh_seconds
    while True:
        try:
            refreshed = await leaderboard.rebuild_snapshots(app)
            log.debug("leaderboard snapshots refreshed for %d events", refreshed)
        except Exception:
            log.exception("leaderboard refresh failed")
        await asyncio.sleep(interval)


async def start_background_jobs(app):
    app["leaderboard_refresher"] = asyncio.create_task(_refresh_leaderboards(app))  # expect: SCL003


async def stop_background_jobs(app):
    task = app.get("leaderboard_refresher")
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(settings=None):
    settings = settings or Settings.from_env()
    app = web.Application(
        middlewares=[request_id_middleware, error_middleware, auth_middleware],
        client_max_size=1024 * 1024,
    )
    app["settings"] = settings

    app.router.add_get("/healthz", health)
    for module in (auth, teams, team_invites, submissions, artifacts, scoring, score_ledger,
                   leaderboard, leaderboard_stream, payouts, payout_worker):
        app.router.add_routes(module.routes)

    app.on_startup.append(open_resources)
    app.on_startup.append(start_background_jobs)
    app.on_cleanup.append(stop_background_jobs)
    app.on_cleanup.append(close_resources)
    return app


def main():
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    web.run_app(
        create_app(),
        host="0.0.0.0",
        port=int(os.environ.get("PORT", "8080")),
        access_log_format='%a "%r" %s %b %Tf',
        shutdown_timeout=20,
    )


if __name__ == "__main__":
    main()
