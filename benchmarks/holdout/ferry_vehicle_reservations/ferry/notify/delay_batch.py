"""Delay notices, durable version: the DelayNotice table is the outbox.

Rows are claimed with INSERT ... ON CONFLICT DO NOTHING, so every replica
and every retry agrees on who has already been texted; failed sends stay
``failed`` and are picked up again by ``resend_failed``.
"""
import asyncio
import logging
import random

import httpx
from sqlalchemy import literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..models import Customer, DelayNotice, Reservation, Sailing
from ..settings import Settings

log = logging.getLogger(__name__)


class SmsGateway:
    def __init__(self, settings: Settings):
        self._sender = settings.sms_sender_id
        self._limit = asyncio.Semaphore(settings.sms_concurrency)
        self._client = httpx.AsyncClient(
            base_url=str(settings.sms_base_url),
            timeout=httpx.Timeout(10.0, connect=3.0),
            headers={"Authorization": f"Token {settings.sms_api_token.get_secret_value()}"},
        )

    async def send(self, phone: str, text: str, dedupe_id: str) -> bool:
        async with self._limit:
            await asyncio.sleep(random.uniform(0, 0.2))  # ok: SEC010
            try:
                resp = await self._client.post(
                    "/messages",
                    json={"to": phone, "from": self._sender, "body": text,
                          "client_ref": dedupe_id},
                )
            except httpx.TransportError:
                log.warning("sms gateway unreachable for %s", dedupe_id, exc_info=True)
                return False
        return resp.status_code < 400


def _text(sailing: Sailing, reference: str) -> str:
    return (f"Island Ferries: the {sailing.departs_at:%H:%M} {sailing.route_code} sailing is "
            f"delayed by about {sailing.delay_minutes} min. Booking {reference}.")


async def notify_sailing_delay(session: AsyncSession, gateway: SmsGateway, sailing: Sailing) -> int:
    confirmed = select(Reservation.id, Reservation.sailing_id, literal(sailing.delay_minutes)).where(
        Reservation.sailing_id == sailing.id, Reservation.status == "confirmed")
    claimed = await session.execute(
        pg_insert(DelayNotice)
        .from_select(["reservation_id", "sailing_id", "delay_minutes"], confirmed)
        .on_conflict_do_nothing(constraint="uq_delay_notice")
        .returning(DelayNotice.id, DelayNotice.reservation_id)
    )
    notice_ids = {reservation_id: notice_id for notice_id, reservation_id in claimed.all()}
    await session.commit()
    if not notice_ids:
        return 0

    rows = await session.execute(
        select(Reservation.id, Reservation.reference, Customer.phone)
        .join(Customer, Customer.id == Reservation.customer_id)
        .where(Reservation.id.in_(list(notice_ids)))
    )
    targets = [(notice_ids[rid], ref, phone) for rid, ref, phone in rows.all() if phone]
    results = await asyncio.gather(*(
        gateway.send(phone, _text(sailing, ref), f"delay-{notice_id}")  # ok: REL003
        for notice_id, ref, phone in targets
    ))

    sent_ids = [t[0] for t, ok in zip(targets, results) if ok]
    failed_ids = [t[0] for t, ok in zip(targets, results) if not ok]
    if sent_ids:
        await session.execute(update(DelayNotice).where(DelayNotice.id.in_(sent_ids)).values(status="sent"))
    if failed_ids:
        await session.execute(update(DelayNotice).where(DelayNotice.id.in_(failed_ids)).values(status="failed"))
    await session.commit()
    log.info("sailing %s delay notices: %d sent, %d failed", sailing.id, len(sent_ids), len(failed_ids))
    return len(sent_ids)


async def resend_failed(session: AsyncSession, gateway: SmsGateway, limit: int = 200) -> int:
    rows = await session.execute(
        select(DelayNotice.id, Reservation.reference, Customer.phone, Sailing)
        .join(Reservation, Reservation.id == DelayNotice.reservation_id)
        .join(Customer, Customer.id == Reservation.customer_id)
        .join(Sailing, Sailing.id == DelayNotice.sailing_id)
        .where(DelayNotice.status == "failed", Sailing.status == "delayed")
        .order_by(DelayNotice.id)
        .limit(limit)
    )
    resent = []
    for notice_id, ref, phone, sailing in rows.all():
        if phone and await gateway.send(phone, _text(sailing, ref), f"delay-{notice_id}"):
            resent.append(notice_id)
    if resent:
        await session.execute(update(DelayNotice).where(DelayNotice.id.in_(resent)).values(status="sent"))
        await session.commit()
    return len(resent)
