"""Liability waivers: climbers upload the signed PDF before their first visit."""
import asyncio
import logging
import uuid
from datetime import datetime, timezone
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cragpass.db import get_session
from cragpass.models import Waiver
from cragpass.security import CurrentClimber, StaffUser
from cragpass.settings import get_settings

router = APIRouter(prefix="/waivers", tags=["waivers"])
logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"


@router.post("", status_code=201)
async def upload_waiver(climber: CurrentClimber, file: UploadFile = File(...),
                        session: AsyncSession = Depends(get_session)):
    if file.content_type != "application/pdf":
        raise HTTPException(415, "Waiver must be a PDF")
    contents = await file.read()  # expect: SEC019
    if not contents.startswith(PDF_MAGIC):
        raise HTTPException(415, "Waiver must be a PDF")

    path = Path(get_settings().waiver_dir) / f"{climber.id}-{uuid.uuid4().hex}.pdf"
    await asyncio.to_thread(path.write_bytes, contents)  # expect: SCL002
    waiver = Waiver(climber_id=climber.id, stored_path=str(path), size_bytes=len(contents),
                    signed_at=datetime.now(timezone.utc))
    session.add(waiver)
    await session.commit()
    logger.info("waiver %s uploaded by climber %s (%d bytes)", waiver.id, climber.id, len(contents))
    return {"id": waiver.id, "signed_at": waiver.signed_at.isoformat()}


@router.get("/mine")
async def my_waivers(climber: CurrentClimber, session: AsyncSession = Depends(get_session)):
    rows = await session.scalars(
        select(Waiver).where(Waiver.climber_id == climber.id).order_by(Waiver.signed_at.desc()).limit(10)
    )
    return [{"id": w.id, "signed_at": w.signed_at.isoformat()} for w in rows]


@router.get("/{waiver_id}")
async def download_waiver(waiver_id: int, staff: StaffUser, session: AsyncSession = Depends(get_session)):
    waiver = await session.get(Waiver, waiver_id)
    if waiver is None:
        raise HTTPException(404, "No such waiver")
    return FileResponse(waiver.stored_path, media_type="application/pdf",  # ok: SEC015
                        filename=f"waiver-{waiver.climber_id}.pdf")
