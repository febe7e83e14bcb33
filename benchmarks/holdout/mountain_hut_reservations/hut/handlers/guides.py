"""Mountain-guide portal: a guide's group bookings and printable group sheets."""
import datetime
import html
import logging

from aiohttp import web

from ..auth import current_guide
from ..clients.avalanche import BulletinClient
from ..config import CONFIG, DB
from ..middleware import json_error

logger = logging.getLogger(__name__)

SHEET_STYLE = "body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px}"


def _reservation_json(row) -> dict:
    return {
        "id": row["id"],
        "hut": row["hut_name"],
        "night": row["night"].isoformat(),
        "guest_name": row["guest_name"],
        "party_size": row["party_size"],
        "half_board": row["half_board"],
        "status": row["status"],
    }


async def my_reservations(request: web.Request) -> web.Response:
    guide = await current_guide(request)
    async with request.app[DB].acquire() as conn:
        rows = await conn.fetch(
            "SELECT r.id, h.name AS hut_name, r.night, r.guest_name, r.party_size, r.half_board, r.status "
            "FROM reservations r JOIN huts h ON h.id = r.hut_id "
            "WHERE r.guide_id = $1 AND r.night >= $2 "
            "ORDER BY r.night LIMIT 100",  # ok: DB002
            guide["guide_id"], datetime.date.today(),
        )
    return web.json_response([_reservation_json(r) for r in rows])


async def reservation_detail(request: web.Request) -> web.Response:
    guide = await current_guide(request)
    reservation_id = int(request.match_info["reservation_id"])
    async with request.app[DB].acquire() as conn:
        row = await conn.fetchrow(
            "SELECT r.*, h.name AS hut_name FROM reservations r JOIN huts h ON h.id = r.hut_id WHERE r.id = $1",  # expect: SEC018
            reservation_id,
        )
    if row is None:
        raise json_error(404, "reservation not found")
    data = _reservation_json(row)
    data.update({"email": row["email"], "phone": row["phone"], "checkin_code": row["checkin_code"]})
    logger.info("guide viewed reservation guide_id=%s reservation_id=%s", guide["guide_id"], reservation_id)
    return web.json_response(data)


async def group_sheet(request: web.Request) -> web.Response:
    """Printable sheet the guide hands to the warden on arrival."""
    guide = await current_guide(request)
    reservation_id = int(request.match_info["reservation_id"])
    async with request.app[DB].acquire() as conn:
        head = await conn.fetchrow(
            "SELECT r.id, r.night, r.guest_name, h.name AS hut_name FROM reservations r "
            "JOIN huts h ON h.id = r.hut_id WHERE r.id = $1 AND r.guide_id = $2",  # ok: SEC018
            reservation_id, guide["guide_id"],
        )
        if head is None:
            raise json_error(404, "reservation not found")
        members = await conn.fetch(
            "SELECT full_name, diet, emergency_contact FROM group_members WHERE reservation_id = $1 ORDER BY full_name",
            reservation_id,
        )
    title = html.escape(f"{head['hut_name']} - {head['night']:%d.%m.%Y}")
    rows = "".join(
        f"<tr><td>{m['full_name']}</td><td>{m['diet'] or ''}</td><td>{m['emergency_contact']}</td></tr>"  # expect: SEC016
        for m in members
    )
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{SHEET_STYLE}</style></head>"
        f"<body><h1>{title}</h1><p>Guide: {html.escape(guide['name'])}</p>"
        f"<table><tr><th>Name</th><th>Diet</th><th>Emergency contact</th></tr>{rows}</table></body></html>"
    )
    return web.Response(text=page, content_type="text/html")


async def hut_conditions(request: web.Request) -> web.Response:
    """Current avalanche danger for the hut's bulletin region."""
    await current_guide(request)
    async with request.app[DB].acquire() as conn:
        region = await conn.fetchval("SELECT bulletin_region FROM huts WHERE slug = $1", request.match_info["slug"])
    if region is None:
        raise json_error(404, "hut not found")
    config = request.app[CONFIG]
    client = BulletinClient(config.bulletin_url, config.redis_url)
    try:
        bulletin = await client.for_region(region)
    finally:
        await client.close()
    if bulletin is None:
        return web.json_response({"region": region, "available": False})
    return web.json_response(
        {
            "region": region,
            "available": True,
            "danger_level": bulletin.danger_level,
            "danger_label": bulletin.danger_label,
            "problems": bulletin.problems,
            "valid_until": bulletin.valid_until.isoformat() if bulletin.valid_until else None,
        }
    )
