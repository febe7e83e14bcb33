"""Event poster artwork: promoters upload an image, we stream it to the media store."""
import logging
import uuid

import httpx
from fastapi import APIRouter, Depends, HTTPException, UploadFile, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boxoffice.auth import Principal, require_role
from boxoffice.config import get_settings
from boxoffice.db import get_session
from boxoffice.models import Event, Promoter

logger = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/events/{event_id}/artwork", tags=["artwork"])

CHUNK = 256 * 1024
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"RIFF": ("image/webp", ".webp"),
}


class TooLarge(Exception):
    pass


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic) and (magic != b"RIFF" or head[8:12] == b"WEBP"):
            return kind
    return None


async def _body(first: bytes, upload: UploadFile):
    total = len(first)
    yield first
    while chunk := await upload.read(CHUNK):
        total += len(chunk)
        if total > settings.artwork_max_bytes:
            raise TooLarge()
        yield chunk


@router.put("", status_code=status.HTTP_201_CREATED)
async def upload_artwork(
    event_id: int,
    file: UploadFile,
    principal: Principal = Depends(require_role("promoter")),
    session: AsyncSession = Depends(get_session),
):
    event = await session.scalar(
        select(Event).join(Promoter, Promoter.id == Event.promoter_id).where(
            Event.id == event_id, Promoter.owner_user_id == principal.user_id
        )
    )
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such event")

    head = await file.read(16)  # ok: SEC019
    kind = _sniff(head)
    if kind is None:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail="artwork must be PNG, JPEG or WebP")
    content_type, ext = kind
    key = f"artwork/{event_id}/{uuid.uuid4().hex}{ext}"

    try:
        async with httpx.AsyncClient(base_url=settings.media_service_url, timeout=httpx.Timeout(30.0, connect=3.0)) as client:
            resp = await client.put(f"/objects/{key}", content=_body(head, file), headers={"Content-Type": content_type})
            resp.raise_for_status()
    except TooLarge:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, detail="artwork is limited to 10 MB") from None
    except httpx.HTTPError as exc:
        logger.warning("media store rejected artwork for event %s: %r", event_id, exc)
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, detail="could not store artwork, try again") from exc

    event.artwork_key = key
    await session.commit()
    logger.info("artwork %s stored for event %s by user %s", key, event_id, principal.user_id)
    return {"artwork_key": key, "content_type": content_type}
