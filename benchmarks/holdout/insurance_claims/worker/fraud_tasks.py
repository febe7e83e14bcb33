import logging
import os

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential
from sqlalchemy import select

from app.database import AuditEvent, Claim
from worker.tasks import SessionLocal, celery_app

logger = logging.getLogger(__name__)

FRAUD_API_URL = os.environ.get("FRAUD_API_URL", "https://api.fraudsignal.io/v2")
SIU_API_URL = os.environ.get("SIU_API_URL", "https://siu.internal.example-insurer.com/api")
FLAG_THRESHOLD = float(os.environ.get("FRAUD_FLAG_THRESHOLD", "0.85"))
BATCH_SIZE = 200
RESCORE_STATUSES = ("submitted", "under_review", "awaiting_info")

_fraud = httpx.Client(
    base_url=FRAUD_API_URL,
    headers={"Authorization": f"Bearer {os.environ.get('FRAUD_API_KEY', '')}"},
    timeout=httpx.Timeout(15.0, connect=3.0),
)
_siu = httpx.Client(base_url=SIU_API_URL, timeout=httpx.Timeout(10.0, connect=3.0))


@retry(
    retry=retry_if_exception_type(httpx.TransportError),
    stop=stop_after_attempt(4),  # ok: REL002
    wait=wait_exponential(multiplier=1, max=20),
    reraise=True,
)
def _score_batch(payload: list[dict]) -> dict[int, float]:
    resp = _fraud.post("/score/batch", json={"claims": payload})
    resp.raise_for_status()
    return {int(r["claim_id"]): float(r["score"]) for r in resp.json()["results"]}


@celery_app.task(acks_late=True)
def rescore_open_claims() -> int:
    last_id, flagged = 0, []
    while True:  # ok: REL002
        with SessionLocal() as session:
            claims = session.scalars(
                select(Claim)
                .where(Claim.status.in_(RESCORE_STATUSES), Claim.id > last_id)
                .order_by(Claim.id)
                .limit(BATCH_SIZE)
            ).all()
            if not claims:
                break
            scores = _score_batch([
                {"claim_id": c.id, "incident_type": c.incident_type,
                 "amount": str(c.estimated_loss), "incident_date": c.incident_date.isoformat()}
                for c in claims
            ])
            for claim in claims:
                new_score = scores.get(claim.id)
                if new_score is None:
                    continue
                if new_score >= FLAG_THRESHOLD > (claim.fraud_score or 0):
                    flagged.append(claim.id)
                    session.add(AuditEvent(claim_id=claim.id, actor_id=0, action="fraud_flagged",
                                           detail={"score": new_score}))
                claim.fraud_score = new_score
            session.commit()  # ok: DB003
            last_id = claims[-1].id
    for claim_id in flagged:
        notify_siu.delay(claim_id)
    logger.info("rescored open claims, flagged=%d", len(flagged))
    return len(flagged)


@celery_app.task(bind=True, autoretry_for=(httpx.TransportError,), retry_backoff=True, max_retries=3)
def notify_siu(self, claim_id: int) -> None:
    resp = _siu.post(
        "/referrals",
        json={"claim_id": claim_id, "source": "fraud-rescore"},
        headers={"Idempotency-Key": f"siu-referral-{claim_id}"},  # ok: REL003
    )
    resp.raise_for_status()
