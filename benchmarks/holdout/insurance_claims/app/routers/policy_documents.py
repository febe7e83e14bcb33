import asyncio
import logging
import os
import uuid

import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from ..auth import CurrentUser, current_user, require_role
from ..database import Policy, get_session

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/policies", tags=["policy-documents"])

BUCKET = os.environ.get("POLICY_DOCS_BUCKET", "policy-documents-prod")
MAX_DOC_BYTES = 15 * 1024 * 1024
LINK_TTL_SECONDS = 300

_s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}))


@router.put("/{policy_id}/document")
async def upload_policy_document(
    policy_id: int,
    document: UploadFile = File(...),
    user: CurrentUser = Depends(require_role("underwriter")),
    session: AsyncSession = Depends(get_session),
):
    policy = await session.get(Policy, policy_id)
    if policy is None:
        raise HTTPException(404, detail={"error": "policy_not_found"})
    if document.content_type != "application/pdf":
        raise HTTPException(415, detail={"error": "pdf_required"})
    if document.size is None or document.size > MAX_DOC_BYTES:  # ok: SEC019
        raise HTTPException(413, detail={"error": "document_too_large", "max_bytes": MAX_DOC_BYTES})
    if await document.read(5) != b"%PDF-":
        raise HTTPException(415, detail={"error": "pdf_required"})
    await document.seek(0)

    key = f"policies/{policy.id}/{uuid.uuid4().hex}.pdf"
    await asyncio.to_thread(  # ok: CON001
        _s3.upload_fileobj,
        document.file,
        BUCKET,
        key,
        ExtraArgs={"ContentType": "application/pdf", "ServerSideEncryption": "aws:kms"},
    )
    previous = policy.document_key
    policy.document_key = key
    await session.commit()
    logger.info("policy %s document replaced by user %s (previous=%s)", policy.id, user.id, previous)
    return {"policy_id": policy.id, "document_key": key}


@router.get("/{policy_id}/document")
async def policy_document_link(
    policy_id: int,
    user: CurrentUser = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    policy = await session.get(Policy, policy_id)
    if policy is None or (policy.holder_id != user.id and not user.is_staff):  # ok: SEC018
        raise HTTPException(404, detail={"error": "policy_not_found"})
    if not policy.document_key:
        raise HTTPException(404, detail={"error": "document_not_available"})
    url = _s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": BUCKET,
            "Key": policy.document_key,
            "ResponseContentDisposition": f'attachment; filename="policy-{policy.number}.pdf"',
        },
        ExpiresIn=LINK_TTL_SECONDS,
    )
    return {"url": url, "expires_in": LINK_TTL_SECONDS}
