"""v2 consent endpoints: PDFs go to an encrypted S3 bucket, never to local disk."""
import asyncio
import base64
import hashlib
import io
import logging
import uuid

import boto3
from botocore.config import Config as BotoConfig
from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trials.auth import CurrentUser, require_role
from trials.consent import ALLOWED_VERSIONS
from trials.db import ConsentDocument, Participant, get_session
from trials.settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2", tags=["consent"])
_settings = get_settings()
_s3 = boto3.client("s3", region_name=_settings.aws_region,
                   config=BotoConfig(connect_timeout=3, read_timeout=20, retries={"max_attempts": 3}))
CHUNK = 256 * 1024


async def _read_capped(upload: UploadFile, limit: int) -> tuple[bytes, str]:
    buf = io.BytesIO()
    sha = hashlib.sha256()
    while chunk := await upload.read(CHUNK):
        if buf.tell() + len(chunk) > limit:
            raise HTTPException(413, f"consent PDF larger than {limit // (1024 * 1024)} MB")  # ok: SEC019
        sha.update(chunk)
        buf.write(chunk)
    return buf.getvalue(), sha.hexdigest()


@router.post("/participants/{participant_id}/consent", status_code=201)
async def upload_consent(
    participant_id: int,
    file: UploadFile = File(...),
    version: str = Form(...),
    user: CurrentUser = Depends(require_role("coordinator")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    participant = (
        await session.execute(
            select(Participant).where(Participant.id == participant_id,
                                      Participant.site_id.in_(user.site_ids))  # ok: SEC018
        )
    ).scalar_one_or_none()
    if participant is None:
        raise HTTPException(404, "participant not found")
    if version not in ALLOWED_VERSIONS:
        raise HTTPException(422, f"unknown consent version {version!r}")

    data, digest = await _read_capped(file, _settings.max_consent_bytes)
    if not data.startswith(b"%PDF-"):
        raise HTTPException(415, "consent must be a PDF")

    key = f"consent/{participant.trial_id}/{participant.subject_key}/{uuid.uuid4().hex}.pdf"
    await asyncio.to_thread(  # ok: CON001, SCL002
        _s3.put_object,
        Bucket=_settings.consent_bucket,
        Key=key,
        Body=data,
        ContentType="application/pdf",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=_settings.consent_kms_key_id,
        ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode(),
    )
    doc = ConsentDocument(participant_id=participant.id, version=version,
                          storage_ref=f"s3://{_settings.consent_bucket}/{key}", sha256=digest,
                          size_bytes=len(data), uploaded_by=user.subject)
    session.add(doc)
    await session.commit()
    log.info("consent %s uploaded for participant %s by %s", doc.id, participant.id, user.subject)
    return {"id": doc.id, "sha256": digest, "version": version}


@router.get("/consent/{document_id}/url")
async def consent_url(
    document_id: int,
    user: CurrentUser = Depends(require_role("coordinator", "monitor")),
    session: AsyncSession = Depends(get_session),
) -> dict:
    row = (
        await session.execute(
            select(ConsentDocument)
            .join(Participant, Participant.id == ConsentDocument.participant_id)
            .where(ConsentDocument.id == document_id, Participant.site_id.in_(user.site_ids))  # ok: SEC018
        )
    ).scalar_one_or_none()
    if row is None:
        raise HTTPException(404, "document not found")
    bucket, _, key = row.storage_ref.removeprefix("s3://").partition("/")
    url = await asyncio.to_thread(_s3.generate_presigned_url, "get_object",
                                  Params={"Bucket": bucket, "Key": key}, ExpiresIn=120)
    log.info("consent %s url issued to %s", row.id, user.subject)
    return {"url": url, "expires_in": 120}
