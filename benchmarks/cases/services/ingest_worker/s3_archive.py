"""Celery task that archives processed partner batches to cold storage as gzipped JSON lines."""
import gzip
import json
import logging
import os
import tempfile

import boto3
from botocore.config import Config
from celery import shared_task

from .db import SessionLocal
from .models import PartnerOrder

logger = logging.getLogger(__name__)

INTAKE_BUCKET = os.environ.get("INTAKE_BUCKET", "acme-partner-intake")
ARCHIVE_BUCKET = os.environ.get("ARCHIVE_BUCKET", "acme-partner-archive")

s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 4}))  # ok: REL001, SEC005


def read_manifest(key: str) -> dict:
    obj = s3.get_object(Bucket=INTAKE_BUCKET, Key=f"{key}.manifest.json")
    return json.loads(obj["Body"].read())  # ok: SEC004


@shared_task(name="ingest.archive_batch", acks_late=True)
def archive_batch(key: str):
    manifest = read_manifest(key)
    with SessionLocal() as session, tempfile.TemporaryDirectory() as workdir:  # ok: RES001
        path = os.path.join(workdir, "orders.jsonl.gz")
        count = 0
        with gzip.open(path, "wt", encoding="utf-8") as out:
            query = session.query(PartnerOrder).filter_by(batch_key=key).yield_per(1000)
            for order in query:
                out.write(json.dumps({"id": order.id, "external_id": order.external_id, "sku": order.sku,
                                      "quantity": order.quantity, "country": order.ship_to_country}))
                out.write("\n")
                count += 1
        if count != manifest["order_count"]:
            raise ValueError(f"batch {key}: manifest says {manifest['order_count']} orders, found {count}")
        s3.upload_file(path, ARCHIVE_BUCKET, f"{key}.jsonl.gz", ExtraArgs={"StorageClass": "GLACIER_IR"})
    logger.info("archived %s orders from %s", count, key)
    return count
