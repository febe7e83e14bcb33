import logging
import os
import pickle
from datetime import datetime, timedelta, timezone

import boto3
from botocore.config import Config
from celery import Celery
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from app.database import AuditEvent, Claim

logger = logging.getLogger(__name__)

celery_app = Celery("claims", broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"))
celery_app.conf.update(
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    beat_schedule={
        "close-stale-claims": {"task": "worker.tasks.close_stale_claims", "schedule": 3600.0},
        "rescore-open-claims": {"task": "worker.fraud_tasks.rescore_open_claims", "schedule": 6 * 3600.0},
    },
)

engine = create_engine(
    os.environ.get("SYNC_DATABASE_URL", "postgresql+psycopg://claims@localhost:5432/claims"),
    pool_pre_ping=True,
    pool_size=5,
)
SessionLocal = sessionmaker(engine, expire_on_commit=False)

_aws = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3})
_ses = boto3.client("sesv2", config=_aws)
_s3 = boto3.client("s3", config=_aws)

SENDER = os.environ.get("LETTER_SENDER", "claims@example-insurer.com")
ESTIMATES_BUCKET = os.environ.get("ESTIMATES_BUCKET", "repair-estimates-inbound")
STALE_AFTER = timedelta(days=int(os.environ.get("STALE_AFTER_DAYS", "30")))

LETTERS = {
    "approved": "Good news: your claim #{id} has been approved for {amount} EUR.",
    "denied": "We have completed our review of claim #{id}. Unfortunately it is not covered.",
}


@celery_app.task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_decision_letter(self, claim_id: int) -> None:
    with SessionLocal() as session:
        claim = session.get(Claim, claim_id)
        if claim is None or claim.letter_sent_at is not None or claim.status not in LETTERS:
            return
        body = LETTERS[claim.status].format(id=claim.id, amount=claim.approved_amount)
        _ses.send_email(  # expect: REL003
            FromEmailAddress=SENDER,
            Destination={"ToAddresses": [claim.claimant_email]},
            Content={"Simple": {"Subject": {"Data": f"Your claim #{claim.id}"},
                                "Body": {"Text": {"Data": body}}}},
        )
        claim.letter_sent_at = datetime.now(timezone.utc)
        session.add(AuditEvent(claim_id=claim.id, actor_id=0, action="letter_sent",
                               detail={"status": claim.status}))
        session.commit()


@celery_app.task
def close_stale_claims() -> int:
    cutoff = datetime.now(timezone.utc) - STALE_AFTER
    closed = 0
    with SessionLocal() as session:
        stale = session.scalars(
            select(Claim)
            .where(Claim.status == "awaiting_info", Claim.updated_at < cutoff)
            .order_by(Claim.id)
            .limit(5000)
        ).all()
        for claim in stale:
            claim.status = "closed_no_response"
            session.add(AuditEvent(claim_id=claim.id, actor_id=0, action="auto_closed"))
            session.commit()  # expect: DB003
            closed += 1
    logger.info("auto-closed %d stale claims", closed)
    return closed


@celery_app.task(bind=True, max_retries=3)
def import_repair_estimate(self, claim_id: int, s3_key: str) -> None:
    obj = _s3.get_object(Bucket=ESTIMATES_BUCKET, Key=s3_key)
    estimate = pickle.loads(obj["Body"].read())  # expect: SEC004
    total = sum(line["amount"] for line in estimate.get("lines", []))
    with SessionLocal() as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            logger.warning("estimate %s references unknown claim %s", s3_key, claim_id)
            return
        session.add(AuditEvent(claim_id=claim.id, actor_id=0, action="estimate_imported",
                               detail={"key": s3_key, "total": str(total),
                                       "shop": estimate.get("shop_id")}))
        session.commit()
