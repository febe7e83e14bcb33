"""Celery task that loads merchant stock-level files (CSV) from S3 in batches."""
import codecs
import csv
import logging
import os

import boto3
from botocore.config import Config
from celery import shared_task
from sqlalchemy.dialects.postgresql import insert

from .db import SessionLocal
from .models import ImportRun, StockLevel

logger = logging.getLogger(__name__)

UPLOAD_BUCKET = os.environ.get("UPLOAD_BUCKET", "acme-merchant-uploads")
BATCH_SIZE = 2000
s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60))


def rows_from_s3(key: str):
    """Yield the rows of the uploaded CSV object."""
    body = s3.get_object(Bucket=UPLOAD_BUCKET, Key=key)["Body"]
    yield from csv.DictReader(codecs.iterdecode(body.iter_lines(), "utf-8-sig"))


def upsert(session, batch: list[dict]):
    stmt = insert(StockLevel).values(batch)
    stmt = stmt.on_conflict_do_update(
        index_elements=[StockLevel.merchant_id, StockLevel.sku],
        set_={"quantity": stmt.excluded.quantity, "updated_at": stmt.excluded.updated_at},
    )
    session.execute(stmt)


@shared_task(name="ingest.stock_levels")
def load_stock_levels(run_id: int):
    with SessionLocal() as session:
        run = session.get(ImportRun, run_id)
        batch, loaded, rejected = [], 0, 0
        for row in rows_from_s3(run.object_key):
            try:
                batch.append({"merchant_id": run.merchant_id, "sku": row["sku"].strip(),
                              "quantity": int(row["quantity"]), "updated_at": run.created_at})
            except (KeyError, ValueError, AttributeError):  # ok: ERR001
                logger.warning("run %s: skipping malformed row %r", run_id, row)
                rejected += 1
                continue
            if len(batch) >= BATCH_SIZE:
                upsert(session, batch)
                loaded += len(batch)
                batch = []
        if batch:
            upsert(session, batch)
            loaded += len(batch)
        run.imported, run.rejected, run.state = loaded, rejected, "done"
        session.commit()  # ok: DB003
    logger.info("stock run %s: %s loaded, %s rejected", run_id, loaded, rejected)
    return {"loaded": loaded, "rejected": rejected}
