"""Injury and incident reports filed by rink guards, with an optional photo."""
import asyncio
import logging
import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile, status
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import require_staff
from rink.db import get_session
from rink.models import Customer
from rink.settings import get_settings

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/incidents", tags=["incidents"])

ALLOWED_TYPES = {"image/jpeg": ".jpg", "image/png": ".png"}
CHUNK = 64 * 1024

incidents = Table(
    "incidents",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("reported_by", Integer, nullable=False),
    Column("summary", Text, nullable=False),
    Column("photo_name", String(64)),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)


async def _save_photo(upload: UploadFile) -> str:
    """Stream the upload to the shared media volume under a server-chosen name."""
    settings = get_settings()
    suffix = ALLOWED_TYPES.get(upload.content_type or "")
    if suffix is None:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "photo must be JPEG or PNG")

    name = f"{uuid.uuid4().hex}{suffix}"
    target: Path = settings.shared_media_dir / "incidents" / name  # ok: SEC015
    written = 0
    fh = await asyncio.to_thread(open, target, "wb")  # ok: RES001
    try:
        while chunk := await upload.read(CHUNK):
            written += len(chunk)
            if written > settings.max_photo_bytes:
                raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "photo too large")
            await asyncio.to_thread(fh.write, chunk)
    except BaseException:
        await asyncio.to_thread(fh.close)
        await asyncio.to_thread(target.unlink, True)
        raise
    await asyncio.to_thread(fh.close)
    return name


@router.post("", status_code=status.HTTP_201_CREATED)
async def file_incident(
    summary: str = Form(..., min_length=10, max_length=4000),
    photo: UploadFile | None = File(default=None),
    staff: Customer = Depends(require_staff),
    db: AsyncSession = Depends(get_session),
):
    photo_name = await _save_photo(photo) if photo is not None else None
    result = await db.execute(
        insert(incidents)
        .values(reported_by=staff.id, summary=summary, photo_name=photo_name)
        .returning(incidents.c.id)
    )
    await db.commit()
    incident_id = result.scalar_one()
    logger.info("incident %s filed by staff %s", incident_id, staff.id)
    return {"id": incident_id, "photo": photo_name}


@router.get("")
async def recent_incidents(
    limit: int = Query(default=50, ge=1, le=200),
    offset: int = Query(default=0, ge=0),
    staff: Customer = Depends(require_staff),
    db: AsyncSession = Depends(get_session),
):
    stmt = select(incidents).order_by(incidents.c.created_at.desc()).limit(limit).offset(offset)
    rows = (await db.execute(stmt)).mappings().all()
    return {"items": [dict(r) for r in rows], "limit": limit, "offset": offset}
