"""Exhibitor brochures (PDF handouts shown on the exhibitor's public page)."""
import logging
import os
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from expo.db import get_db
from expo.models import Brochure
from expo.security import Principal, current_principal, exhibitor_for_principal

logger = logging.getLogger(__name__)

router = APIRouter(tags=["brochures"])

BROCHURE_DIR = Path(os.getenv("EXPO_BROCHURE_DIR", "/var/lib/expo/brochures"))


def _record(db: Session, brochure: Brochure) -> Brochure:
    db.add(brochure)
    db.commit()
    db.refresh(brochure)
    return brochure


@router.post("/exhibitors/{exhibitor_id}/brochures", status_code=status.HTTP_201_CREATED)
async def upload_brochure(
    exhibitor_id: int,
    file: UploadFile = File(...),
    db: Session = Depends(get_db),
    principal: Principal = Depends(current_principal),
):
    exhibitor = await run_in_threadpool(exhibitor_for_principal, exhibitor_id, db, principal)  # ok: CON001
    folder = BROCHURE_DIR / str(exhibitor.id)
    await run_in_threadpool(folder.mkdir, parents=True, exist_ok=True)
    data = await file.read()  # expect: SEC019, RES003
    target = folder / file.filename  # expect: SEC015
    target.write_bytes(data)  # expect: CON001, SCL002

    brochure = Brochure(
        exhibitor_id=exhibitor.id,
        storage_path=str(target),
        original_name=file.filename or "brochure.pdf",
        content_type=file.content_type or "application/pdf",
        size_bytes=len(data),
    )
    brochure = await run_in_threadpool(_record, db, brochure)
    logger.info("brochure %s uploaded for exhibitor %s (%s bytes)", brochure.id, exhibitor.id, len(data))
    return {"id": brochure.id, "name": brochure.original_name, "size_bytes": brochure.size_bytes}


@router.get("/exhibitors/{exhibitor_id}/brochures")
def list_brochures(exhibitor_id: int, db: Session = Depends(get_db)):
    stmt = select(Brochure).where(Brochure.exhibitor_id == exhibitor_id).order_by(Brochure.uploaded_at)
    return [
        {"id": b.id, "name": b.original_name, "url": f"/brochures/{exhibitor_id}/{Path(b.storage_path).name}"}
        for b in db.scalars(stmt).all()  # ok: DB002
    ]


@router.get("/brochures/{exhibitor_id}/{filename:path}")
def download_brochure(exhibitor_id: int, filename: str):
    path = os.path.join(BROCHURE_DIR, str(exhibitor_id), filename)  # expect: SEC015
    if not os.path.isfile(path):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "brochure not found")
    return FileResponse(path, filename=os.path.basename(path))
