"""Crop photos attached to a greenhouse, stored on the shared media volume."""
from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from greenhouse.models import Greenhouse

log = logging.getLogger("greenhouse.photos")

SIGNATURES = {
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
}
MAX_PHOTO_BYTES = 6 * 1024 * 1024
CHUNK = 64 * 1024


def _media_root(app: web.Application) -> Path:
    # SHARED_MEDIA_DIR is an NFS volume mounted into every hub replica
    return Path(app["settings"].shared_media_dir).resolve()


async def _check_owner(request: web.Request, greenhouse_id: int) -> None:
    async with request.app["sessionmaker"]() as session:
        owned = (await session.execute(
            select(Greenhouse.id).where(Greenhouse.id == greenhouse_id, Greenhouse.owner_id == request["grower_id"])
        )).scalar_one_or_none()
    if owned is None:
        raise web.HTTPNotFound()


def _sniff(head: bytes) -> str | None:
    for magic, ext in SIGNATURES.items():
        if head.startswith(magic):
            return ext
    return None


async def upload_photo(request: web.Request) -> web.Response:
    greenhouse_id = int(request.match_info["greenhouse_id"])
    await _check_owner(request, greenhouse_id)

    reader = await request.multipart()
    part = await reader.next()
    if part is None or part.name != "photo":
        return web.json_response({"error": "photo_required"}, status=400)

    data = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        data.extend(chunk)
        if len(data) > MAX_PHOTO_BYTES:  # ok: SEC019
            return web.json_response({"error": "photo_too_large"}, status=413)
    ext = _sniff(bytes(data[:8]))
    if ext is None:
        return web.json_response({"error": "unsupported_image_type"}, status=415)

    name = f"{uuid.uuid4().hex}{ext}"
    target = _media_root(request.app) / str(greenhouse_id) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(target.write_bytes, bytes(data))  # ok: SCL002, CON001
    log.info("photo %s stored for greenhouse %s by grower %s", name, greenhouse_id, request["grower_id"])
    return web.json_response({"name": name}, status=201)


async def get_photo(request: web.Request) -> web.StreamResponse:
    greenhouse_id = int(request.match_info["greenhouse_id"])
    await _check_owner(request, greenhouse_id)
    folder = (_media_root(request.app) / str(greenhouse_id)).resolve()
    candidate = (folder / request.match_info["name"]).resolve()
    if not candidate.is_relative_to(folder) or candidate.suffix not in SIGNATURES.values():
        raise web.HTTPNotFound()
    if not candidate.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(candidate)  # ok: SEC015


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/greenhouses/{greenhouse_id}/photos", upload_photo)
    app.router.add_get("/greenhouses/{greenhouse_id}/photos/{name}", get_photo)
