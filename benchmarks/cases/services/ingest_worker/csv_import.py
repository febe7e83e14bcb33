"""Celery task that imports merchant product spreadsheets (CSV) uploaded to S3."""
import csv
import io
import logging
import os
from decimal import Decimal

import boto3
from botocore.config import Config
from celery import shared_task

from .db import SessionLocal
from .models import ImportRun, Product

logger = logging.getLogger(__name__)

UPLOAD_BUCKET = os.environ.get("UPLOAD_BUCKET", "acme-merchant-uploads")
s3 = boto3.client("s3", config=Config(connect_timeout=5, read_timeout=60))

REQUIRED = ("sku", "name", "price", "stock")


def parse_row(row: dict, merchant_id: int) -> dict:
    missing = [c for c in REQUIRED if not row.get(c)]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    return {
        "merchant_id": merchant_id,
        "sku": row["sku"].strip(),
        "name": row["name"].strip()[:200],
        "list_price_cents": int(Decimal(row["price"]) * 100),
        "stock": int(row["stock"]),
    }


@shared_task(name="ingest.product_csv")
def import_product_csv(run_id: int):
    with SessionLocal() as session:
        run = session.get(ImportRun, run_id)
        obj = s3.get_object(Bucket=UPLOAD_BUCKET, Key=run.object_key)
        text = obj["Body"].read().decode("utf-8-sig")  # todo-expect: RES003
        imported = rejected = 0
        for line_no, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            try:
                values = parse_row(row, run.merchant_id)
                product = session.query(Product).filter_by(merchant_id=run.merchant_id, sku=values["sku"]).one_or_none()  # expect: DB001
                if product is None:
                    session.add(Product(**values))
                else:
                    for field, value in values.items():
                        setattr(product, field, value)
                session.commit()  # expect: DB003
                imported += 1
            except Exception:  # expect: ERR001
                session.rollback()
                rejected += 1
        run.imported, run.rejected, run.state = imported, rejected, "done"
        session.commit()
    logger.info("import run %s: %s imported, %s rejected", run_id, imported, rejected)
    return {"imported": imported, "rejected": rejected}
