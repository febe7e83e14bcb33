"""Diver medical questionnaires: upload, download and staff review."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile, status
from fastapi.responses import FileResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from divecentre.auth import current_diver, current_staff
from divecentre.db import get_db
from divecentre.models import Diver, MedicalForm
from divecentre.settings import Settings, get_settings
from divecentre.tasks.notifications import notify_medical_form

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/medical-forms", tags=["medical"])

PDF_MAGIC = b"%PDF-"


class ReviewIn(BaseModel):
    fit_to_dive: bool


@router.post("", status_code=status.HTTP_201_CREATED)
def upload_medical_form(
    upload: UploadFile = File(...),
    diver: Diver = Depends(current_diver),
    db: Session = Depends(get_db),
    settings: Settings = Depends(get_settings),
) -> dict:
    if upload.content_type != "application/pdf":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "upload the signed form as a PDF")
    data = upload.file.read()  # expect: SEC019
    if not data.startswith(PDF_MAGIC):
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "file is not a PDF")

    folder = Path(settings.medical_upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}.pdf"  # ok: SEC015
    stored.write_bytes(data)  # expect: SCL002

    form = MedicalForm(diver_id=diver.id, storage_path=str(stored))
    db.add(form)
    db.commit()
    notify_medical_form.delay(form.id)
    logger.info("medical form %s uploaded by diver %s (%d bytes)", form.id, diver.id, len(data))
    return {"id": form.id, "status": "awaiting_review"}


@router.get("/{form_id}")
def download_medical_form(form_id: int, diver: Diver = Depends(current_diver), db: Session = Depends(get_db)):
    form = db.get(MedicalForm, form_id)  # expect: SEC018
    if form is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "form not found")
    return FileResponse(form.storage_path, media_type="application/pdf", filename=f"medical-{form.id}.pdf")


@router.get("")
def my_forms(diver: Diver = Depends(current_diver), db: Session = Depends(get_db)) -> list[dict]:
    forms = db.scalars(
        select(MedicalForm).where(MedicalForm.diver_id == diver.id).order_by(MedicalForm.uploaded_at.desc())
    ).all()
    return [
        {"id": f.id, "uploaded_at": f.uploaded_at.isoformat(), "fit_to_dive": f.fit_to_dive}
        for f in forms
    ]


@router.post("/{form_id}/review")
def review_form(form_id: int, body: ReviewIn, staff: Diver = Depends(current_staff),
                db: Session = Depends(get_db)) -> dict:
    form = db.get(MedicalForm, form_id)
    if form is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "form not found")
    form.reviewed_by = staff.id
    form.fit_to_dive = body.fit_to_dive
    db.commit()
    logger.info("medical form %s reviewed by staff %s", form.id, staff.id)
    return {"id": form.id, "fit_to_dive": form.fit_to_dive}
