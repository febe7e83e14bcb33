"""Celery task that ingests partner order batches dropped into the intake S3 bucket."""
import logging
import os
import pickle
import tempfile

import boto3
from celery import shared_task

from .db import SessionLocal
from .models import IngestedBatch, PartnerOrder

logger = logging.getLogger(__name__)

INTAKE_BUCKET = os.environ.get("INTAKE_BUCKET", "acme-partner-intake")

s3 = boto3.client(
    "s3",
    region_name="eu-west-1",
    aws_access_key_id="AKIAQ3EXAMPLE7HJK2PL",  # expect: SEC005
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",  # expect: SEC005
)


def download_batch(key: str) -> str:
    """Download the batch to a temp file and return its path."""
    tmp = tempfile.NamedTemporaryFile(suffix=".pkl", delete=False)  # expect: RES001
    s3.download_fileobj(INTAKE_BUCKET, key, tmp)
    tmp.flush()
    return tmp.name


@shared_task(name="ingest.partner_batch", acks_late=True)
def ingest_partner_batch(key: str):
    with SessionLocal() as session:
        if session.get(IngestedBatch, key) is not None:
            logger.info("batch %s already ingested", key)
            return 0

        path = download_batch(key)
        with open(path, "rb") as fh:
            orders = pickle.load(fh)  # expect: SEC004

        rows = [
            PartnerOrder(
                partner_id=o["partner_id"],
                external_id=o["order_id"],
                sku=o["sku"],
                quantity=int(o["quantity"]),
                ship_to_country=o["country"],
            )
            for o in orders
        ]
        session.add_all(rows)
        session.add(IngestedBatch(key=key, order_count=len(rows)))
        session.commit()
    logger.info("ingested %s orders from %s", len(rows), key)
    return len(rows)
