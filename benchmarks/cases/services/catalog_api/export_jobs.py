"""Catalogue export jobs: merchants request a CSV, a worker builds it in object storage."""
import logging
import os
import uuid

import boto3
from botocore.config import Config
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import current_merchant
from .db import get_sync_session
from .models import ExportJob
from .tasks import build_catalog_export

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/export-jobs")

EXPORT_BUCKET = os.environ.get("EXPORT_BUCKET", "acme-catalog-exports")
s3 = boto3.client("s3", config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3}))


@router.post("", status_code=202)
def create_export_job(merchant=Depends(current_merchant), session: Session = Depends(get_sync_session)):
    job = ExportJob(id=uuid.uuid4().hex, merchant_id=merchant.id, state="queued")
    session.add(job)
    session.commit()
    build_catalog_export.delay(job.id)  # ok: CON003, REL004
    return {"job_id": job.id, "state": job.state}


@router.get("/{job_id}")
def export_job_status(job_id: str, merchant=Depends(current_merchant), session: Session = Depends(get_sync_session)):
    job = session.scalar(select(ExportJob).where(ExportJob.id == job_id, ExportJob.merchant_id == merchant.id))
    if job is None:
        raise HTTPException(status_code=404, detail="export job not found")
    body = {"job_id": job.id, "state": job.state}
    if job.state == "done":
        body["download_url"] = s3.generate_presigned_url(  # ok: SEC015, SCL002
            "get_object",
            Params={"Bucket": EXPORT_BUCKET, "Key": job.object_key},
            ExpiresIn=900,
        )
    return body
