"""Half-board meal counts for the hut kitchen."""
import datetime
import hashlib
import hmac
import logging

import asyncpg
from aiohttp import web

from ..config import DB
from ..middleware import json_error

logger = logging.getLogger(__name__)


async def _warden_hut_id(conn: asyncpg.Connection, request: web.Request) -> int:
    hut = await conn.fetchrow(
        "SELECT id, warden_token_sha256 FROM huts WHERE slug = $1", request.match_info["slug"]
    )
    digest = hashlib.sha256(request.headers.get("X-Warden-Token", "").encode()).hexdigest()
    if hut is None or not hmac.compare_digest(digest, hut["warden_token_sha256"] or ""):
        raise json_error(403, "warden token required")
    return hut["id"]


async def adjust_half_board(request: web.Request) -> web.Response:
    """Change how many of a party take dinner and breakfast."""
    body = await request.json()
    try:
        reservation_id = int(body["reservation_id"])
        wanted = int(body["half_board"])
    except (KeyError, TypeError, ValueError):
        raise json_error(400, "reservation_id and half_board are required numbers")

    async with request.app[DB].acquire() as conn:
        hut_id = await _warden_hut_id(conn, request)
        async with conn.transaction():
            res = await conn.fetchrow(
                "SELECT night, party_size, half_board FROM reservations "
                "WHERE id = $1 AND hut_id = $2 AND status = 'confirmed'",
                reservation_id, hut_id,
            )
            if res is None:
                raise json_error(404, "reservation not found")
            if not 0 <= wanted <= res["party_size"]:
                raise json_error(400, "half_board must be between 0 and the party size")

            night_total = await conn.fetchval(
                "SELECT half_board FROM hut_nights WHERE hut_id = $1 AND night = $2", hut_id, res["night"]
            )
            new_total = night_total - res["half_board"] + wanted
            await conn.execute("UPDATE hut_nights SET half_board = $3 WHERE hut_id = $1 AND night = $2", hut_id, res["night"], new_total)  # expect: DB004
            await conn.execute("UPDATE reservations SET half_board = $2 WHERE id = $1", reservation_id, wanted)

    logger.info("half board changed reservation_id=%s from=%s to=%s", reservation_id, res["half_board"], wanted)
    return web.json_response({"reservation_id": reservation_id, "half_board": wanted, "night_total": new_total})


async def kitchen_counts(request: web.Request) -> web.Response:
    """Dinner and breakfast numbers for one night, with dietary notes."""
    try:
        night = datetime.date.fromisoformat(request.match_info["night"])
    except ValueError:
        raise json_error(400, "night must be YYYY-MM-DD")
    async with request.app[DB].acquire() as conn:
        hut_id = await _warden_hut_id(conn, request)
        totals = await conn.fetchrow(
            "SELECT bunks_taken, half_board FROM hut_nights WHERE hut_id = $1 AND night = $2", hut_id, night
        )
        diets = await conn.fetch(
            "SELECT diet, SUM(people) AS people FROM reservation_diets d "
            "JOIN reservations r ON r.id = d.reservation_id "
            "WHERE r.hut_id = $1 AND r.night = $2 AND r.status = 'confirmed' GROUP BY diet",
            hut_id, night,
        )
    return web.json_response(
        {
            "night": night.isoformat(),
            "guests": totals["bunks_taken"] if totals else 0,
            "half_board": totals["half_board"] if totals else 0,
            "diets": {row["diet"]: row["people"] for row in diets},
        }
    )
