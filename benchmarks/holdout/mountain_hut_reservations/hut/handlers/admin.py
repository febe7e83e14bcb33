"""Warden back office: guest lists, season exports and weather closures."""
import asyncio
import csv
import datetime
import hashlib
import hmac
import logging
import re
import tempfile
from pathlib import Path

import asyncpg
from aiohttp import web

from ..config import CONFIG, DB
from ..middleware import json_error
from ..services.notifications import notify_closure

logger = logging.getLogger(__name__)

SEASON_RE = re.compile(r"\d{4}")
MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


async def _warden_hut(conn: asyncpg.Connection, request: web.Request) -> asyncpg.Record:
    hut = await conn.fetchrow("SELECT id, slug, warden_token_sha256 FROM huts WHERE slug = $1", request.match_info["slug"])
    digest = hashlib.sha256(request.headers.get("X-Warden-Token", "").encode()).hexdigest()
    if hut is None or not hmac.compare_digest(digest, hut["warden_token_sha256"] or ""):
        raise json_error(403, "warden token required")
    return hut


async def guest_list(request: web.Request) -> web.Response:
    async with request.app[DB].acquire() as conn:
        hut = await _warden_hut(conn, request)
        rows = await conn.fetch(  # expect: DB002
            "SELECT id, night, guest_name, email, party_size, half_board, status FROM reservations "
            "WHERE hut_id = $1 ORDER BY night DESC, guest_name",
            hut["id"],
        )
    return web.json_response([dict(r, night=r["night"].isoformat()) for r in rows])


def _write_csv(path: Path, rows: list[asyncpg.Record]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["night", "guest", "party", "half_board", "status"])
        for r in rows:
            writer.writerow([r["night"].isoformat(), r["guest_name"], r["party_size"], r["half_board"], r["status"]])


async def export_season(request: web.Request) -> web.StreamResponse:
    season = request.query.get("season", str(datetime.date.today().year))
    if not SEASON_RE.fullmatch(season):
        raise json_error(400, "season must be a year")
    export_type = request.query.get("type", "Gnumeric_Excel:xlsx2")
    extension = "ods" if "ods" in export_type.lower() else "xlsx"
    async with request.app[DB].acquire() as conn:
        hut = await _warden_hut(conn, request)
        rows = await conn.fetch(
            "SELECT night, guest_name, party_size, half_board, status FROM reservations "
            "WHERE hut_id = $1 AND night >= $2 AND night < $3 ORDER BY night",
            hut["id"], datetime.date(int(season), 1, 1), datetime.date(int(season) + 1, 1, 1),
        )
    with tempfile.TemporaryDirectory(prefix="hut-export-") as tmp:
        csv_path = Path(tmp) / f"{hut['slug']}-{season}.csv"
        await asyncio.to_thread(_write_csv, csv_path, rows)  # ok: CON001
        xlsx_path = Path(tmp) / f"{hut['slug']}-{season}.{extension}"
        proc = await asyncio.create_subprocess_shell(f"ssconvert --export-type={export_type} {csv_path} {xlsx_path}")  # expect: SEC002
        if await proc.wait() != 0:
            raise json_error(400, "export conversion failed")
        response = web.StreamResponse(headers={"Content-Disposition": f'attachment; filename="{xlsx_path.name}"'})
        response.content_type = MIME_TYPES[extension]
        await response.prepare(request)
        with xlsx_path.open("rb") as handle:
            while chunk := await asyncio.to_thread(handle.read, 64 * 1024):
                await response.write(chunk)
        await response.write_eof()
        return response


async def close_night(request: web.Request) -> web.Response:
    body = await request.json()
    try:
        night = datetime.date.fromisoformat(body["night"])
        reason = str(body["reason"])[:300]
    except (KeyError, TypeError, ValueError):
        raise json_error(400, "night (YYYY-MM-DD) and reason are required")
    async with request.app[DB].acquire() as conn:
        hut = await _warden_hut(conn, request)
    cancelled, mailed = await notify_closure(
        request.app[DB], request.app[CONFIG], hut_id=hut["id"], night=night, reason=reason
    )
    logger.info("hut closed hut=%s night=%s cancelled=%s mailed=%s", hut["slug"], night, cancelled, mailed)
    return web.json_response({"night": night.isoformat(), "cancelled": cancelled, "guests_notified": mailed})
