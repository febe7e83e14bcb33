"""Artist riders (tech spec, stage plot, hospitality) uploaded by promoters before a show."""
import logging
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boxoffice.auth import Principal, current_user, require_role
from boxoffice.config import get_settings
from boxoffice.db import get_session
from boxoffice.models import Event, Promoter, RiderDocument

logger = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/events/{event_id}/riders", tags=["riders"])

RIDER_ROOT = Path(settings.rider_root)
PRODUCTION_ROLES = {"production", "stage_manager"}


async def _event_for_promoter(session: AsyncSession, event_id: int, user_id: int) -> Event | None:
    return await session.scalar(
        select(Event).join(Promoter, Promoter.id == Event.promoter_id).where(
            Event.id == event_id, Promoter.owner_user_id == user_id
        )
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def upload_rider(
    event_id: int,
    file: UploadFile,
    principal: Principal = Depends(require_role("promoter")),
    session: AsyncSession = Depends(get_session),
):
    event = await _event_for_promoter(session, event_id, principal.user_id)
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such event")

    data = await file.read()  # expect: SEC019
    if not data:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="empty file")

    event_dir = RIDER_ROOT / str(event_id)
    event_dir.mkdir(parents=True, exist_ok=True)
    dest = event_dir / file.filename  # expect: SEC015
    dest.write_bytes(data)  # expect: SCL002, CON001

    doc = RiderDocument(
        event_id=event_id,
        filename=file.filename,
        path=str(dest),
        content_type=file.content_type or "application/octet-stream",
        size_bytes=len(data),
    )
    session.add(doc)
    await session.commit()
    logger.info("rider %s (%d bytes) uploaded for event %s by user %s", doc.id, len(data), event_id, principal.user_id)
    return {"id": doc.id, "filename": doc.filename, "size_bytes": doc.size_bytes}


@router.get("")
async def list_riders(event_id: int, principal: Principal = Depends(current_user), session: AsyncSession = Depends(get_session)):
    if not PRODUCTION_ROLES & principal.roles and await _event_for_promoter(session, event_id, principal.user_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such event")
    docs = await session.scalars(
        select(RiderDocument).where(RiderDocument.event_id == event_id).order_by(RiderDocument.id).limit(50)
    )
    return {"riders": [{"id": d.id, "filename": d.filename, "size_bytes": d.size_bytes} for d in docs]}


@router.get("/{doc_id}")
async def download_rider(
    event_id: int,
    doc_id: int,
    principal: Principal = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    if not PRODUCTION_ROLES & principal.roles and await _event_for_promoter(session, event_id, principal.user_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such event")
    doc = await session.scalar(
        select(RiderDocument).where(RiderDocument.id == doc_id, RiderDocument.event_id == event_id)
    )
    if doc is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such rider")
    return FileResponse(doc.path, media_type=doc.content_type, filename=doc.filename)
