"""Public booking endpoints and the warden's night list."""
import datetime
import hashlib
import hmac
import logging

from aiohttp import web

from ..config import DB
from ..middleware import json_error
from ..services import sms
from ..services.reservations import ensure_night

logger = logging.getLogger(__name__)

MAX_PARTY = 12
BOOKING_HORIZON_DAYS = 180


def _parse_night(raw: str) -> datetime.date:
    try:
        night = datetime.date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise json_error(400, "night must be YYYY-MM-DD")
    today = datetime.date.today()
    if not today <= night <= today + datetime.timedelta(days=BOOKING_HORIZON_DAYS):
        raise json_error(400, "night is outside the booking window")
    return night


async def availability(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    start = datetime.date.today()
    async with request.app[DB].acquire() as conn:
        rows = await conn.fetch(
            """
            SELECT n.night, n.bunks_total - n.bunks_taken AS free
              FROM hut_nights n JOIN huts h ON h.id = n.hut_id
             WHERE h.slug = $1 AND n.night BETWEEN $2 AND $3
             ORDER BY n.night
            """,
            slug, start, start + datetime.timedelta(days=30),
        )
    return web.json_response({"hut": slug, "nights": [{"night": r["night"].isoformat(), "free": r["free"]} for r in rows]})


async def create_reservation(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    body = await request.json()
    night = _parse_night(body.get("night"))
    try:
        party_size = int(body.get("party_size", 0))
        half_board = int(body.get("half_board", 0))
    except (TypeError, ValueError):
        raise json_error(400, "party_size and half_board must be numbers")
    if not 1 <= party_size <= MAX_PARTY or not 0 <= half_board <= party_size:
        raise json_error(400, "invalid party size or half-board count")
    guest_name, email, phone = body.get("name", "").strip(), body.get("email", "").strip(), body.get("phone", "").strip()
    if not guest_name or "@" not in email or not phone.startswith("+"):
        raise json_error(400, "name, email and an international phone number are required")

    async with request.app[DB].acquire() as conn:
        hut_id = await conn.fetchval("SELECT id FROM huts WHERE slug = $1 AND open_for_booking", slug)
        if hut_id is None:
            raise json_error(404, "hut not found")
        await ensure_night(conn, hut_id, night)
        counts = await conn.fetchrow(
            "SELECT bunks_total, bunks_taken FROM hut_nights WHERE hut_id = $1 AND night = $2", hut_id, night
        )
        if counts["bunks_taken"] + party_size > counts["bunks_total"]:  # expect: DB005
            raise json_error(409, "not enough free bunks that night")
        code = sms.new_checkin_code()
        async with conn.transaction():
            reservation_id = await conn.fetchval(
                "INSERT INTO reservations (hut_id, night, guest_name, email, phone, party_size, half_board, checkin_code, status) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'confirmed') RETURNING id",
                hut_id, night, guest_name, email, phone, party_size, half_board, code,
            )
            await conn.execute(  # ok: DB004
                "UPDATE hut_nights SET bunks_taken = bunks_taken + $3, half_board = half_board + $4 "
                "WHERE hut_id = $1 AND night = $2",
                hut_id, night, party_size, half_board,
            )

    sms.send_checkin_code(request.app, phone, code, slug, night)
    logger.info("reservation created reservation_id=%s hut=%s night=%s party=%s", reservation_id, slug, night, party_size)
    return web.json_response({"reservation_id": reservation_id, "status": "confirmed"}, status=201)


async def list_for_night(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    try:
        night = datetime.date.fromisoformat(request.query.get("night", datetime.date.today().isoformat()))
    except ValueError:
        raise json_error(400, "night must be YYYY-MM-DD")
    sort = request.query.get("sort", "guest_name")
    async with request.app[DB].acquire() as conn:
        hut = await conn.fetchrow("SELECT id, warden_token_sha256 FROM huts WHERE slug = $1", slug)
        token = request.headers.get("X-Warden-Token", "")
        digest = hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009
        if hut is None or not hmac.compare_digest(digest, hut["warden_token_sha256"] or ""):
            raise json_error(403, "warden token required")
        rows = await conn.fetch(
            f"SELECT id, guest_name, party_size, half_board, status, checked_in_at FROM reservations "
            f"WHERE hut_id = $1 AND night = $2 ORDER BY {sort} LIMIT 300",  # expect: SEC001
            hut["id"], night,
        )
    return web.json_response([dict(r, checked_in_at=r["checked_in_at"] and r["checked_in_at"].isoformat()) for r in rows])
