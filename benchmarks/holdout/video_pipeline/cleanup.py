"""Retention jobs: purge expired videos from S3 and prune old delivery logs."""
import logging

from botocore.exceptions import ClientError
from celery.schedules import crontab

from .clients import celery_app, db_cursor, s3
from .settings import get_settings

logger = logging.getLogger(__name__)

PURGE_BATCH = 1000

celery_app.conf.beat_schedule = {  # ok: SCL003
    "purge-expired-videos": {"task": "video_pipeline.cleanup.purge_expired_videos", "schedule": crontab(minute=5)},
    "prune-delivery-log": {"task": "video_pipeline.cleanup.prune_delivery_log", "schedule": crontab(hour=3, minute=30)},
}


def _delete_prefix(bucket: str, prefix: str) -> int:
    deleted = 0
    paginator = s3().get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        objects = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if objects:
            s3().delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
            deleted += len(objects)
    return deleted


@celery_app.task
def purge_expired_videos() -> int:
    """Delete sources, renditions and thumbnails past the retention period."""
    settings = get_settings()
    with db_cursor() as cur:
        cur.execute(
            "SELECT id, customer_id, source_key FROM videos "
            "WHERE status <> 'purged' AND created_at < now() - make_interval(days => %s) ORDER BY created_at LIMIT %s",
            (settings.retention_days, PURGE_BATCH),
        )
        expired = cur.fetchall()  # ok: DB002
    purged = []
    for video in expired:
        try:
            s3().delete_object(Bucket=settings.upload_bucket, Key=video["source_key"])
            _delete_prefix(settings.output_bucket, f"{video['customer_id']}/{video['id']}/")
        except ClientError as exc:
            logger.error(f"could not purge video {video['id']}: {exc}")  # expect: OBS002
            continue
        purged.append(video["id"])
    with db_cursor() as cur:
        cur.execute("UPDATE videos SET status = 'purged', purged_at = now() WHERE id = ANY(%s)", (purged,))  # ok: DB003
    logger.info("purged %d of %d expired videos", len(purged), len(expired))
    return len(purged)


@celery_app.task
def prune_delivery_log(keep_days: int = 90) -> int:
    """Drop webhook delivery records older than `keep_days`."""
    with db_cursor() as cur:
        cur.execute(
            "SELECT id FROM webhook_deliveries WHERE created_at < now() - make_interval(days => %s)",
            (keep_days,),
        )
        stale_ids = [row["id"] for row in cur.fetchall()]  # todo-expect: RES003
    for delivery_id in stale_ids:
        with db_cursor() as cur:  # expect: DB003
            cur.execute("DELETE FROM webhook_deliveries WHERE id = %s", (delivery_id,))
    logger.info("pruned %d webhook delivery records", len(stale_ids))
    return len(stale_ids)
