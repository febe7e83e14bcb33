"""Enrollment applications submitted by parents."""
from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile, status
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import current_parent
from app.db import get_session
from app.models import Application, Child, Classroom, Document, Parent

router = APIRouter(prefix="/applications", tags=["applications"])

UPLOAD_ROOT = Path(os.environ.get("UPLOAD_ROOT", "/srv/kg/uploads"))
DOCUMENT_KINDS = {"birth_certificate", "immunization_record", "proof_of_address", "custody_order"}


class ApplicationIn(BaseModel):
    child_id: int
    classroom_id: int


def _serialize(app_row: Application, documents: int | None = None) -> dict:
    data = {
        "id": app_row.id,
        "child_id": app_row.child_id,
        "classroom_id": app_row.classroom_id,
        "status": app_row.status,
        "submitted_at": app_row.submitted_at.isoformat() if app_row.submitted_at else None,
    }
    if documents is not None:
        data["documents"] = documents
    return data


def _document_count(session: Session, application_id: int) -> int:
    return session.scalar(select(func.count(Document.id)).where(Document.application_id == application_id)) or 0


@router.post("", status_code=status.HTTP_201_CREATED)
def create_application(body: ApplicationIn, parent: Parent = Depends(current_parent), session: Session = Depends(get_session)) -> dict:
    child = session.scalar(select(Child).where(Child.id == body.child_id, Child.parent_id == parent.id))
    if child is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "child not found")
    if session.get(Classroom, body.classroom_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "classroom not found")
    row = Application(parent_id=parent.id, child_id=child.id, classroom_id=body.classroom_id, status="submitted")
    session.add(row)
    session.commit()
    return _serialize(row)


@router.get("")
def my_applications(parent: Parent = Depends(current_parent), session: Session = Depends(get_session)) -> dict:
    rows = session.scalars(
        select(Application).where(Application.parent_id == parent.id).order_by(Application.submitted_at.desc()).limit(50)
    ).all()
    return {"items": [_serialize(r, _document_count(session, r.id)) for r in rows]}  # expect: DB001


@router.get("/{application_id}")
def get_application(application_id: int, parent: Parent = Depends(current_parent), session: Session = Depends(get_session)) -> dict:
    row = session.get(Application, application_id)  # expect: SEC018
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "application not found")
    return _serialize(row, _document_count(session, row.id))


@router.post("/{application_id}/documents", status_code=status.HTTP_201_CREATED)
def upload_document(
    application_id: int,
    kind: str = Form(...),
    file: UploadFile = File(...),
    parent: Parent = Depends(current_parent),
    session: Session = Depends(get_session),
) -> dict:
    if kind not in DOCUMENT_KINDS:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown document kind")
    row = session.scalar(select(Application).where(Application.id == application_id, Application.parent_id == parent.id))
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "application not found")
    data = file.file.read()  # expect: SEC019
    target_dir = UPLOAD_ROOT / str(row.id)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / (file.filename or f"{kind}.bin")
    target.write_bytes(data)  # expect: SEC015, SCL002
    doc = Document(
        application_id=row.id,
        kind=kind,
        storage_key=str(target),
        content_type=file.content_type or "application/octet-stream",
        size_bytes=len(data),
    )
    session.add(doc)
    session.commit()
    return {"id": doc.id, "kind": doc.kind, "size": doc.size_bytes}


@router.post("/{application_id}/withdraw")
def withdraw(application_id: int, parent: Parent = Depends(current_parent), session: Session = Depends(get_session)) -> dict:
    row = session.scalar(
        select(Application)
        .where(Application.id == application_id, Application.parent_id == parent.id)
        .with_for_update()
    )
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "application not found")
    if row.status in {"enrolled", "withdrawn"}:
        raise HTTPException(status.HTTP_409_CONFLICT, f"application is already {row.status}")
    row.status = "withdrawn"
    session.commit()
    return _serialize(row)

