import asyncio
import logging
import subprocess
import tempfile
import uuid
from pathlib import Path

import httpx
from fastapi import APIRouter, Depends, File, HTTPException, UploadFile

from market.db import Database, get_db
from market.security import Principal, require_vendor
from market.settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2/listings", tags=["photos"])

CHUNK = 256 * 1024
MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}


def _extension(head: bytes) -> str | None:
    for magic, ext in MAGIC.items():
        if head.startswith(magic):
            return ext
    return None


def _make_thumbnail(data: bytes, ext: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="thumb-") as workdir:  # ok: SCL002
        src = Path(workdir) / f"src.{ext}"
        dst = Path(workdir) / "thumb.jpg"
        src.write_bytes(data)
        subprocess.run(  # ok: SEC002
            ["convert", str(src), "-auto-orient", "-resize", "480x480", str(dst)],
            check=True, timeout=30, capture_output=True,
        )
        return dst.read_bytes()


async def _read_capped(upload: UploadFile, limit: int) -> bytes:
    buf = bytearray()
    while chunk := await upload.read(CHUNK):  # ok: SEC019
        buf.extend(chunk)
        if len(buf) > limit:
            raise HTTPException(413, f"photo larger than {limit} bytes")
    return bytes(buf)


@router.put("/{listing_id}/photo")
async def replace_photo(listing_id: int, photo: UploadFile = File(...),
                        vendor: Principal = Depends(require_vendor),
                        db: Database = Depends(get_db),
                        settings: Settings = Depends(get_settings)):
    owned = await asyncio.to_thread(
        db.fetch_one, "SELECT id FROM listings WHERE id = %s AND vendor_id = %s",
        (listing_id, vendor.vendor_id),
    )
    if owned is None:
        raise HTTPException(404, "listing not found")

    data = await _read_capped(photo, settings.max_photo_bytes)
    ext = _extension(data[:12])
    if ext is None:
        raise HTTPException(415, "only JPEG, PNG or WebP photos")
    thumb = await asyncio.to_thread(_make_thumbnail, data, ext)  # ok: CON001

    key = f"listings/{vendor.vendor_id}/{uuid.uuid4().hex}"  # ok: SEC015
    async with httpx.AsyncClient(base_url=settings.media_service_url, timeout=15.0) as client:
        for name, body, ctype in ((f"{key}.{ext}", data, f"image/{ext}"),
                                  (f"{key}_thumb.jpg", thumb, "image/jpeg")):
            resp = await client.put(f"/objects/{name}", content=body,
                                    headers={"Content-Type": ctype})
            resp.raise_for_status()

    await asyncio.to_thread(
        db.execute,
        "UPDATE listings SET photo_path = %s, thumb_path = %s WHERE id = %s AND vendor_id = %s",
        (f"{key}.{ext}", f"{key}_thumb.jpg", listing_id, vendor.vendor_id),
    )
    log.info("listing %s photo replaced (%d bytes)", listing_id, len(data))
    return {"listing_id": listing_id, "photo": f"{key}.{ext}", "thumbnail": f"{key}_thumb.jpg"}
