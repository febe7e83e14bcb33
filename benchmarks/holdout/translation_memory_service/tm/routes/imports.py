"""v2 imports: the file goes to S3, a row in import_jobs, and the import worker does the rest."""
import asyncio
import logging
import tempfile
import uuid
from functools import lru_cache
from pathlib import PurePosixPath

import asyncpg
import boto3
from fastapi import APIRouter, Depends, File, Header, HTTPException, UploadFile

from tm.auth import Principal, require_scope
from tm.db import get_conn, record_to_dict
from tm.settings import get_settings

router = APIRouter(prefix="/v2/imports", tags=["imports"])
log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
ALLOWED_SUFFIXES = {".tmx", ".xliff", ".xlf"}
MARKERS = (b"<tmx", b"<xliff")

CREATE_JOB_SQL = """
INSERT INTO import_jobs (agency_id, s3_key, original_name, size_bytes, status, idempotency_key)
VALUES ($1, $2, $3, $4, 'queued', $5)
ON CONFLICT (agency_id, idempotency_key) DO NOTHING
RETURNING id, status, created_at
"""
FIND_JOB_SQL = "SELECT id, status, created_at FROM import_jobs WHERE agency_id = $1 AND idempotency_key = $2"
STATUS_SQL = """
SELECT id, status, unit_count, error, created_at, finished_at
FROM import_jobs WHERE id = $1 AND agency_id = $2
"""


@lru_cache(maxsize=1)
def _s3():
    settings = get_settings()
    return boto3.client("s3", region_name=settings.s3_region, endpoint_url=settings.s3_endpoint_url)


@router.post("", status_code=202)
async def create_import(
    file: UploadFile = File(...),
    idempotency_key: str = Header(min_length=8, max_length=80),
    principal: Principal = Depends(require_scope("tm:write")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    settings = get_settings()
    suffix = PurePosixPath(file.filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise HTTPException(415, "only .tmx, .xliff and .xlf files are accepted")

    existing = await conn.fetchrow(FIND_JOB_SQL, principal.agency_id, idempotency_key)
    if existing is not None:
        return record_to_dict(existing)

    key = f"imports/{principal.agency_id}/{uuid.uuid4().hex}{suffix}"
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=4 * CHUNK) as spool:
        while chunk := await file.read(CHUNK):
            if size == 0 and not any(m in chunk[:2048] for m in MARKERS):
                raise HTTPException(415, "file does not look like TMX or XLIFF")
            size += len(chunk)
            if size > settings.max_upload_bytes:
                raise HTTPException(413, f"file exceeds {settings.max_upload_bytes} bytes")  # ok: SEC019
            await asyncio.to_thread(spool.write, chunk)
        await asyncio.to_thread(spool.seek, 0)
        await asyncio.to_thread(_s3().upload_fileobj, spool, settings.s3_bucket, key)  # ok: CON001

    args = (principal.agency_id, key, file.filename, size, idempotency_key)
    job = await conn.fetchrow(CREATE_JOB_SQL, *args)  # ok: REL005, DB005
    if job is None:
        job = await conn.fetchrow(FIND_JOB_SQL, principal.agency_id, idempotency_key)
    log.info("import queued job=%s agency=%s bytes=%d", job["id"], principal.agency_id, size)
    return record_to_dict(job)


@router.get("/{job_id}")
async def import_status(
    job_id: int,
    principal: Principal = Depends(require_scope("tm:read")),
    conn: asyncpg.Connection = Depends(get_conn),
):
    job = await conn.fetchrow(STATUS_SQL, job_id, principal.agency_id)  # ok: SEC018
    if job is None:
        raise HTTPException(404, "import job not found")
    return record_to_dict(job)
