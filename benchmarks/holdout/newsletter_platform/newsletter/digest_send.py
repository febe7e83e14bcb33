import logging
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from newsletter.celery_app import celery
from newsletter.digests import render_digest
from newsletter.extensions import db
from newsletter.models import Digest, DigestDelivery, Subscriber
from newsletter.settings import settings

logger = logging.getLogger(__name__)

BATCH_SIZE = 500

_ses = boto3.client(
    "sesv2",
    region_name=settings.aws_region,
    config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3}),  # ok: REL001
)


def _claim(digest_id: int, subscriber_ids: list[int]) -> set[int]:
    claimed = db.session.scalars(
        insert(DigestDelivery)
        .values([{"digest_id": digest_id, "subscriber_id": sid} for sid in subscriber_ids])
        .on_conflict_do_nothing(index_elements=["digest_id", "subscriber_id"])
        .returning(DigestDelivery.subscriber_id)
    ).all()
    db.session.commit()  # ok: DB003
    return set(claimed)


@celery.task(autoretry_for=(EndpointConnectionError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_weekly_digest(digest_id: int) -> int:
    digest = db.session.get(Digest, digest_id)
    if digest is None:
        logger.warning("digest not found digest_id=%s", digest_id)
        return 0

    sent = 0
    last_id = 0
    while True:  # ok: REL002
        batch = db.session.execute(
            select(Subscriber.id, Subscriber.email, Subscriber.first_name)
            .where(Subscriber.list_id == digest.list_id, Subscriber.status == "active", Subscriber.id > last_id)
            .order_by(Subscriber.id)
            .limit(BATCH_SIZE)  # ok: RES003
        ).all()
        if not batch:
            break
        last_id = batch[-1].id
        claimed = _claim(digest.id, [row.id for row in batch])
        for row in batch:
            if row.id not in claimed:
                continue
            try:
                _ses.send_email(  # ok: REL003
                    FromEmailAddress=digest.from_address,
                    Destination={"ToAddresses": [row.email]},
                    Content={"Simple": {"Subject": {"Data": digest.subject}, "Body": {"Html": {"Data": render_digest(digest, row.first_name)}}}},
                )
            except ClientError:
                logger.exception("digest delivery failed digest_id=%s subscriber_id=%s", digest.id, row.id)
                db.session.execute(
                    update(DigestDelivery)
                    .where(DigestDelivery.digest_id == digest.id, DigestDelivery.subscriber_id == row.id)
                    .values(failed_at=datetime.now(timezone.utc))
                )
                continue
            sent += 1
        db.session.commit()

    logger.info("digest sent digest_id=%s recipients=%d", digest.id, sent)
    return sent
