"""Mailing list: sign-ups, on-sale announcements and transactional nudges via the mail API."""
import logging

import httpx
from fastapi import APIRouter, BackgroundTasks, Depends, status
from pydantic import BaseModel, EmailStr
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import retry, retry_if_exception_type, wait_exponential

from boxoffice.auth import Principal, require_role
from boxoffice.config import get_settings
from boxoffice.db import SessionLocal, get_session
from boxoffice.models import Event, MailingSubscriber

logger = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/mailing", tags=["mailing"])

BATCH = 500


class MailClient:
    def __init__(self, base_url: str, api_key: str, sender: str):
        self._sender = sender
        self._http = httpx.AsyncClient(
            base_url=base_url, auth=("api", api_key), timeout=httpx.Timeout(10.0, connect=3.0)
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send_one(self, to: str, subject: str, template: str, variables: dict) -> None:
        resp = await self._http.post(
            "/messages",
            json={"from": self._sender, "to": [to], "subject": subject, "template": template, "variables": variables},
        )
        resp.raise_for_status()

    @retry(retry=retry_if_exception_type(httpx.TransportError), wait=wait_exponential(multiplier=1, max=60))  # expect: REL002
    async def send_batch(self, subject: str, template: str, recipients: list[str], variables: dict) -> str:
        resp = await self._http.post(  # expect: REL003
            "/messages/batch",
            json={"from": self._sender, "to": recipients, "subject": subject, "template": template, "variables": variables},
        )
        resp.raise_for_status()
        return resp.json()["batch_id"]


client = MailClient(str(settings.mail_api_base), settings.mail_api_key.get_secret_value(), settings.mail_from)


class SignupBody(BaseModel):
    email: EmailStr


@router.post("/subscribe", status_code=status.HTTP_202_ACCEPTED)
async def subscribe(body: SignupBody, session: AsyncSession = Depends(get_session)):
    await session.execute(
        insert(MailingSubscriber).values(email=body.email.lower()).on_conflict_do_nothing(index_elements=["email"])  # ok: DB005
    )
    await session.commit()
    return {"status": "subscribed"}


async def announce_on_sale(event_id: int) -> int:
    async with SessionLocal() as session:
        event = await session.get(Event, event_id)
        sent, after_id = 0, 0
        while True:  # ok: REL002
            rows = (
                await session.execute(
                    select(MailingSubscriber.id, MailingSubscriber.email)
                    .where(MailingSubscriber.unsubscribed_at.is_(None), MailingSubscriber.id > after_id)
                    .order_by(MailingSubscriber.id)
                    .limit(BATCH)
                )
            ).all()
            if not rows:
                break
            await client.send_batch(f"On sale now: {event.title}", "on_sale", [r.email for r in rows], {"event_id": event.id})
            sent += len(rows)
            after_id = rows[-1].id
    logger.info("on-sale announcement for event %s sent to %d subscribers", event_id, sent)
    return sent


@router.post("/announce/{event_id}", status_code=status.HTTP_202_ACCEPTED)
async def announce(event_id: int, background: BackgroundTasks, principal: Principal = Depends(require_role("marketing"))):
    background.add_task(announce_on_sale, event_id)  # expect: REL005
    logger.info("on-sale announcement for event %s queued by user %s", event_id, principal.user_id)
    return {"status": "queued", "event_id": event_id}
