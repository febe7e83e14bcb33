"""Invalidates CloudFront paths after a show's feed or artwork is republished."""
import logging
import os
import time

import boto3
from botocore.config import Config

log = logging.getLogger(__name__)

DISTRIBUTION_ID = os.environ.get("CLOUDFRONT_DISTRIBUTION_ID", "")
cloudfront = boto3.client(
    "cloudfront",
    config=Config(connect_timeout=5, read_timeout=15, retries={"max_attempts": 4, "mode": "standard"}),
)


def invalidate_show(show_slug: str, revision: int) -> str:
    paths = [f"/feeds/{show_slug}.xml", f"/shows/{show_slug}", f"/shows/{show_slug}/artwork/*"]
    response = cloudfront.create_invalidation(  # ok: REL003
        DistributionId=DISTRIBUTION_ID,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": f"show-{show_slug}-rev-{revision}",
        },
    )
    invalidation_id = response["Invalidation"]["Id"]
    log.info("invalidation %s for show %s revision %s", invalidation_id, show_slug, revision)
    return invalidation_id


def wait_for_invalidation(invalidation_id: str, max_wait_seconds: int = 300) -> bool:
    deadline = time.monotonic() + max_wait_seconds
    delay = 5
    while time.monotonic() < deadline:  # ok: REL002
        status = cloudfront.get_invalidation(DistributionId=DISTRIBUTION_ID, Id=invalidation_id)
        if status["Invalidation"]["Status"] == "Completed":
            return True
        time.sleep(delay)
        delay = min(delay * 2, 60)
    log.warning("invalidation %s still in progress after %ss", invalidation_id, max_wait_seconds)
    return False
