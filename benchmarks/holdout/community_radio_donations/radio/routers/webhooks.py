"""Card processor webhooks: charge outcomes and expiring cards."""
import hashlib
import hmac
import json
import logging

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..config import settings
from ..models import RecurringDonation, WebhookEvent, get_session

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/webhooks", tags=["webhooks"])

MAX_FAILURES = 3


def _valid_signature(raw: bytes, signature: str) -> bool:
    secret = settings.processor_webhook_secret.get_secret_value().encode()
    expected = hmac.new(secret, raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


async def _apply_event(session: AsyncSession, event: dict) -> None:
    data = event["data"]
    if event["type"] == "charge.failed":
        await session.execute(
            update(RecurringDonation)
            .where(RecurringDonation.processor_customer_id == data["customer"])
            .values(failure_count=RecurringDonation.failure_count + 1)
        )
        await session.execute(
            update(RecurringDonation)
            .where(RecurringDonation.processor_customer_id == data["customer"],
                   RecurringDonation.failure_count >= MAX_FAILURES)
            .values(status="failed")
        )
    elif event["type"] == "card.updated":
        await session.execute(
            update(RecurringDonation)
            .where(RecurringDonation.processor_customer_id == data["customer"])
            .values(card_token=data["token"], card_last4=data["last4"], failure_count=0, status="active")
        )


@router.post("/processor")
async def processor_webhook(request: Request, session: AsyncSession = Depends(get_session)):
    raw = await request.body()
    if not _valid_signature(raw, request.headers.get("X-Processor-Signature", "")):
        raise HTTPException(400, "bad signature")
    event = json.loads(raw)

    session.add(WebhookEvent(event_id=event["id"], event_type=event["type"]))
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return {"received": True, "duplicate": True}  # ok: ERR002

    try:
        await _apply_event(session, event)
        await session.commit()
    except Exception:
        logger.exception("could not apply processor event id=%s type=%s", event["id"], event["type"])
        await session.rollback()
        return {"received": True}  # expect: ERR002
    logger.info("processor event applied id=%s type=%s", event["id"], event["type"])
    return {"received": True}
