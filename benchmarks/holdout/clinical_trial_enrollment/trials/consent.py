"""Signed informed-consent forms (v1 endpoints, still used by the tablet app)."""
import hashlib
import logging
import os
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trials.auth import CurrentUser, require_role, require_site
from trials.db import ConsentDocument, Participant, get_session

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["consent"])

CONSENT_DIR = Path(os.environ.get("TRIALS_CONSENT_DIR", "/var/lib/trials/consent"))
ALLOWED_VERSIONS = {"1.0", "1.1", "2.0"}


async def _participant_for(user: CurrentUser, participant_id: int, session: AsyncSession) -> Participant:
    participant = await session.get(Participant, participant_id)
    if participant is None:
        raise HTTPException(404, "participant not found")
    require_site(user, participant.site_id)
    return participant


@router.post("/participants/{participant_id}/consent", status_code=201)
async def upload_consent(
    participant_id: int,
    file: UploadFile = File(...),
    version: str = Form(...),
    user: CurrentUser = Depends(require_role("coordinator")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    participant = await _participant_for(user, participant_id, session)
    if version not in ALLOWED_VERSIONS:
        raise HTTPException(422, f"unknown consent version {version!r}")

    data = await file.read()  # expect: SEC019
    if not data.startswith(b"%PDF-"):
        raise HTTPException(415, "consent must be a PDF")
    digest = hashlib.sha256(data).hexdigest()
    target = CONSENT_DIR / f"{participant.subject_key}-v{version}-{digest[:16]}.pdf"  # ok: SEC015
    CONSENT_DIR.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as fh:  # expect: CON001, SCL002
        fh.write(data)

    doc = ConsentDocument(participant_id=participant.id, version=version, storage_ref=str(target),
                          sha256=digest, size_bytes=len(data), uploaded_by=user.subject)
    session.add(doc)
    await session.commit()
    log.info("consent %s stored for participant %s by %s", doc.id, participant.id, user.subject)
    return {"id": doc.id, "sha256": digest, "version": version}


@router.get("/participants/{participant_id}/consent")
async def list_consents(
    participant_id: int,
    user: CurrentUser = Depends(require_role("coordinator", "monitor")),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    participant = await _participant_for(user, participant_id, session)
    docs = (
        await session.execute(
            select(ConsentDocument)
            .where(ConsentDocument.participant_id == participant.id)
            .order_by(ConsentDocument.signed_at.desc())
        )
    ).scalars().all()  # ok: DB002
    return [{"id": d.id, "version": d.version, "signed_at": d.signed_at.isoformat()} for d in docs]


@router.get("/consent/{document_id}/pdf")
async def download_consent(
    document_id: int,
    user: CurrentUser = Depends(require_role("coordinator", "monitor")),
    session: AsyncSession = Depends(get_session),
) -> FileResponse:
    doc = await session.get(ConsentDocument, document_id)  # expect: SEC018
    if doc is None:
        raise HTTPException(404, "document not found")
    log.info("consent %s downloaded by %s", doc.id, user.subject)
    return FileResponse(doc.storage_ref, media_type="application/pdf",
                        filename=f"consent-{doc.id}.pdf")
