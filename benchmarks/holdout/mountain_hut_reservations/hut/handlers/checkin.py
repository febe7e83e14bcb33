"""Warden desk check-in with the six-digit code sent by SMS."""
import datetime
import hashlib
import hmac
import logging

from aiohttp import web

from ..config import DB, REDIS
from ..middleware import json_error

logger = logging.getLogger(__name__)

ATTEMPTS_PER_WINDOW = 20
WINDOW_SECONDS = 600


async def _count_attempt(request: web.Request, hut_id: int) -> None:
    key = f"checkin-attempts:{hut_id}:{datetime.date.today():%Y%m%d}:{request.remote}"
    redis = request.app[REDIS]
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)  # ok: SCL001
        pipe.expire(key, WINDOW_SECONDS)
        attempts, _ = await pipe.execute()
    if attempts > ATTEMPTS_PER_WINDOW:
        raise json_error(429, "too many check-in attempts, wait a few minutes")


async def check_in(request: web.Request) -> web.Response:
    body = await request.json()
    slug = str(body.get("hut", ""))
    code = str(body.get("code", "")).strip()
    if len(code) != 6 or not code.isdigit():
        raise json_error(400, "the check-in code has six digits")

    pool = request.app[DB]
    async with pool.acquire() as conn:
        hut = await conn.fetchrow("SELECT id, warden_token_sha256 FROM huts WHERE slug = $1", slug)
        digest = hashlib.sha256(request.headers.get("X-Warden-Token", "").encode()).hexdigest()
        if hut is None or not hmac.compare_digest(digest, hut["warden_token_sha256"] or ""):
            raise json_error(403, "warden token required")
        await _count_attempt(request, hut["id"])

        row = await conn.fetchrow(  # ok: DB005
            """
            UPDATE reservations
               SET checked_in_at = now()
             WHERE hut_id = $1 AND night = $2 AND checkin_code = $3
               AND status = 'confirmed' AND checked_in_at IS NULL
         RETURNING id, guest_name, party_size, half_board
            """,
            hut["id"], datetime.date.today(), code,
        )
        if row is None:
            already = await conn.fetchval(
                "SELECT checked_in_at FROM reservations WHERE hut_id = $1 AND night = $2 AND checkin_code = $3",
                hut["id"], datetime.date.today(), code,
            )
            if already is not None:
                raise json_error(409, f"already checked in at {already:%H:%M}")
            raise json_error(404, "no booking for tonight with that code")

    logger.info("guest checked in reservation_id=%s hut=%s", row["id"], slug)
    return web.json_response(
        {
            "reservation_id": row["id"],
            "guest_name": row["guest_name"],
            "party_size": row["party_size"],
            "half_board": row["half_board"],
        }
    )
