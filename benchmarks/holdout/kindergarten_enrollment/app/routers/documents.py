"""Application documents kept in the internal document store."""
from __future__ import annotations

import logging
import os
import uuid
from typing import BinaryIO, Iterator

import httpx
from fastapi import APIRouter, Depends, File, HTTPException, UploadFile, status
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import current_parent
from app.db import get_session
from app.models import Application, Document, Parent
from app.settings import get_settings

router = APIRouter(prefix="/documents", tags=["documents"])
log = logging.getLogger(__name__)

CHUNK_SIZE = 256 * 1024
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
KINDS = {"birth_certificate", "immunization_record", "proof_of_address", "custody_order"}


def _sniff(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def _docstore() -> httpx.Client:
    settings = get_settings()
    return httpx.Client(
        base_url=settings.storage_base_url,
        timeout=httpx.Timeout(settings.http_timeout_seconds, connect=3.0),
        headers={"Authorization": f"Bearer {settings.storage_token}"},
    )


@router.put("/applications/{application_id}/{kind}", status_code=status.HTTP_201_CREATED)
def put_document(
    application_id: int,
    kind: str,
    file: UploadFile = File(...),
    parent: Parent = Depends(current_parent),
    session: Session = Depends(get_session),
) -> dict:
    if kind not in KINDS:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown document kind")
    application = session.scalar(
        select(Application).where(Application.id == application_id, Application.parent_id == parent.id)  # ok: SEC018
    )
    if application is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "application not found")

    stream = file.file
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    if size > get_settings().max_upload_bytes:  # ok: SEC019
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "document too large")
    stream.seek(0)
    content_type = _sniff(stream.read(8))
    if content_type is None:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "only PDF, PNG or JPEG documents")
    stream.seek(0)

    key = f"applications/{application.id}/{kind}/{uuid.uuid4().hex}"  # ok: SEC015
    with _docstore() as client:
        resp = client.put(f"/objects/{key}", content=_chunks(stream), headers={"Content-Type": content_type})
        resp.raise_for_status()

    doc = Document(application_id=application.id, kind=kind, storage_key=key, content_type=content_type, size_bytes=size)
    session.add(doc)
    session.commit()
    log.info("document stored", extra={"document_id": doc.id, "application_id": application.id})
    return {"id": doc.id, "kind": kind, "size": size}


@router.get("/{document_id}")
def get_document(document_id: int, parent: Parent = Depends(current_parent), session: Session = Depends(get_session)) -> RedirectResponse:
    doc = session.scalar(
        select(Document)
        .join(Application, Application.id == Document.application_id)
        .where(Document.id == document_id, Application.parent_id == parent.id)
    )
    if doc is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "document not found")
    with _docstore() as client:
        resp = client.post("/presign", json={"key": doc.storage_key, "ttl_seconds": 300, "method": "GET"})
        resp.raise_for_status()
        url = resp.json()["url"]
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
