import logging
import uuid

import asyncpg
import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile

from auth import Principal, current_principal, require_role
from db import get_conn, write_audit
from settings import get_settings

log = logging.getLogger(__name__)
router = APIRouter(tags=["documents"])

settings = get_settings()
s3 = boto3.client(
    "s3",
    region_name=settings.documents_region,
    config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}),
)

DOCUMENT_KINDS = {"commercial_invoice", "packing_list", "certificate_of_origin", "bill_of_lading"}


def _put_document(key: str, body: bytes, content_type: str) -> None:
    s3.put_object(
        Bucket=settings.documents_bucket,
        Key=key,
        Body=body,
        ContentType=content_type,
        ServerSideEncryption="aws:kms",
    )


async def _owned_declaration(conn: asyncpg.Connection, declaration_id: int, broker_id: int) -> None:
    found = await conn.fetchval(
        "SELECT 1 FROM declarations WHERE id = $1 AND broker_id = $2", declaration_id, broker_id
    )
    if not found:
        raise HTTPException(404, "declaration not found")


@router.post("/declarations/{declaration_id}/documents", status_code=201)
async def upload_document(
    declaration_id: int,
    kind: str = Form(...),
    file: UploadFile = File(...),
    principal: Principal = Depends(require_role("filer")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    if kind not in DOCUMENT_KINDS:
        raise HTTPException(422, f"kind must be one of {sorted(DOCUMENT_KINDS)}")
    await _owned_declaration(conn, declaration_id, principal.broker_id)

    body = await file.read()  # expect: SEC019
    key = f"brokers/{principal.broker_id}/declarations/{declaration_id}/{uuid.uuid4().hex}"
    _put_document(key, body, file.content_type or "application/octet-stream")  # expect: CON001
    document_id = await conn.fetchval(
        "INSERT INTO documents (declaration_id, kind, filename, s3_key, size_bytes, content_type) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        declaration_id, kind, file.filename, key, len(body), file.content_type,
    )
    await write_audit(conn, principal.broker_id, principal.user_id, "document.uploaded",
                      declaration_id, {"document_id": document_id, "kind": kind})
    return {"id": document_id, "kind": kind, "size_bytes": len(body)}


@router.get("/declarations/{declaration_id}/documents")
async def list_documents(
    declaration_id: int,
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    await _owned_declaration(conn, declaration_id, principal.broker_id)
    rows = await conn.fetch(  # ok: DB002
        "SELECT id, kind, filename, size_bytes, uploaded_at FROM documents "
        "WHERE declaration_id = $1 ORDER BY uploaded_at",
        declaration_id,
    )
    return {"items": [dict(r) for r in rows]}


@router.get("/documents/{document_id}/download")
async def download_link(
    document_id: int,
    principal: Principal = Depends(current_principal),
    conn: asyncpg.Connection = Depends(get_conn),
):
    row = await conn.fetchrow(
        "SELECT d.s3_key, d.filename FROM documents d "
        "JOIN declarations dl ON dl.id = d.declaration_id "
        "WHERE d.id = $1 AND dl.broker_id = $2",
        document_id, principal.broker_id,
    )
    if row is None:
        raise HTTPException(404, "document not found")
    url = s3.generate_presigned_url(  # ok: CON001
        "get_object",
        Params={"Bucket": settings.documents_bucket, "Key": row["s3_key"],
                "ResponseContentDisposition": f'attachment; filename="{row["filename"]}"'},
        ExpiresIn=300,
    )
    return {"url": url, "expires_in": 300}


@router.delete("/documents/{document_id}", status_code=204)
async def delete_document(
    document_id: int,
    principal: Principal = Depends(require_role("filer")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    row = await conn.fetchrow("SELECT declaration_id, s3_key FROM documents WHERE id = $1", document_id)  # expect: SEC018
    if row is None:
        raise HTTPException(404, "document not found")
    # the S3 object stays; the bucket lifecycle rule expires unreferenced keys after 90 days
    await conn.execute("DELETE FROM documents WHERE id = $1", document_id)
    await write_audit(conn, principal.broker_id, principal.user_id, "document.deleted",
                      row["declaration_id"], {"document_id": document_id})
    log.info("document %s deleted by %s", document_id, principal.user_id)
