"""aiohttp application factory for the hut reservation service."""
import asyncio
import contextlib
import logging

import aiohttp
import asyncpg
import redis.asyncio as aioredis
from aiohttp import web

from .auth import login, logout
from .config import CONFIG, DB, HTTP, REDIS, Config
from .handlers import admin, checkin, guides, meals, reservations
from .middleware import error_middleware, request_id_middleware
from .tasks.bulletin import bulletin_refresh_loop

logger = logging.getLogger(__name__)


async def _resources(app: web.Application):
    config = app[CONFIG]
    app[DB] = await asyncpg.create_pool(
        config.database_dsn,
        min_size=config.db_pool_min,
        max_size=config.db_pool_max,
        timeout=5,
        command_timeout=15,
    )
    app[REDIS] = aioredis.from_url(config.redis_url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True)
    app[HTTP] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20, connect=5))
    yield
    await app[HTTP].close()
    await app[REDIS].aclose()
    await app[DB].close()


async def _background(app: web.Application):
    task = asyncio.create_task(bulletin_refresh_loop(app[CONFIG], app[REDIS], app[HTTP]))  # ok: SCL003
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def health(request: web.Request) -> web.Response:
    async with request.app[DB].acquire() as conn:
        await conn.fetchval("SELECT 1")
    await request.app[REDIS].ping()
    return web.json_response({"status": "ok"})


def create_app(config: Config | None = None) -> web.Application:
    config = config or Config.from_env()
    app = web.Application(
        middlewares=[request_id_middleware, error_middleware],
        client_max_size=config.max_body_bytes,  # ok: SEC019
    )
    app[CONFIG] = config
    app.cleanup_ctx.append(_resources)
    app.cleanup_ctx.append(_background)

    app.router.add_get("/healthz", health)
    app.router.add_post("/auth/login", login)
    app.router.add_post("/auth/logout", logout)
    app.router.add_get("/huts/{slug}/availability", reservations.availability)
    app.router.add_post("/huts/{slug}/reservations", reservations.create_reservation)
    app.router.add_get("/huts/{slug}/reservations", reservations.list_for_night)
    app.router.add_post("/huts/{slug}/meals", meals.adjust_half_board)
    app.router.add_get("/huts/{slug}/meals/{night}", meals.kitchen_counts)
    app.router.add_get("/guides/reservations", guides.my_reservations)
    app.router.add_get("/guides/reservations/{reservation_id:\\d+}", guides.reservation_detail)
    app.router.add_get("/guides/groups/{reservation_id:\\d+}/sheet", guides.group_sheet)
    app.router.add_get("/huts/{slug}/conditions", guides.hut_conditions)
    app.router.add_post("/checkin", checkin.check_in)
    app.router.add_get("/admin/huts/{slug}/guests", admin.guest_list)
    app.router.add_get("/admin/huts/{slug}/export", admin.export_season)
    app.router.add_post("/admin/huts/{slug}/closures", admin.close_night)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    web.run_app(create_app(), host="0.0.0.0", port=8080, access_log=None)


if __name__ == "__main__":
    main()
