import logging
import uuid

import asyncpg
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile

from auth import Principal, require_role
from db import get_conn, write_audit
from settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v2", tags=["documents-v2"])

CHUNK = 1024 * 1024
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
_session = get_session()
_s3_config = AioConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3})


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


async def read_capped(upload: UploadFile, limit: int) -> bytes:
    buf = bytearray()
    while chunk := await upload.read(CHUNK):
        buf.extend(chunk)
        if len(buf) > limit:
            raise HTTPException(413, f"document exceeds {limit // (1024 * 1024)} MiB")
    return bytes(buf)


@router.post("/declarations/{declaration_id}/documents", status_code=201)
async def store_document(
    declaration_id: int,
    kind: str = Form(..., pattern=r"^(commercial_invoice|packing_list|certificate_of_origin|bill_of_lading)$"),
    file: UploadFile = File(...),
    principal: Principal = Depends(require_role("filer")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    settings = get_settings()
    owned = await conn.fetchval(
        "SELECT 1 FROM declarations WHERE id = $1 AND broker_id = $2",
        declaration_id, principal.broker_id,
    )
    if not owned:
        raise HTTPException(404, "declaration not found")

    body = await read_capped(file, settings.max_document_bytes)  # ok: SEC019
    content_type = sniff_content_type(body[:16])
    if content_type is None:
        raise HTTPException(415, "documents must be PDF, PNG or JPEG")

    key = f"brokers/{principal.broker_id}/declarations/{declaration_id}/{uuid.uuid4().hex}"
    async with _session.create_client("s3", region_name=settings.documents_region,
                                      config=_s3_config) as s3:
        await s3.put_object(  # ok: CON001
            Bucket=settings.documents_bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption="aws:kms",
        )
    document_id = await conn.fetchval(
        "INSERT INTO documents (declaration_id, kind, filename, s3_key, size_bytes, content_type) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        declaration_id, kind, (file.filename or "document")[:200], key, len(body), content_type,
    )
    await write_audit(conn, principal.broker_id, principal.user_id, "document.uploaded",
                      declaration_id, {"document_id": document_id, "kind": kind})
    log.info("stored document %s (%d bytes) for declaration %s", document_id, len(body), declaration_id)
    return {"id": document_id, "kind": kind, "content_type": content_type, "size_bytes": len(body)}
