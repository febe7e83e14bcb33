"""Promoter settlements: after a run of shows, work out what the promoter is owed
and push the statement to their accounts system's webhook."""
import hashlib
import hmac
import json
import logging
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

import httpx
import requests
from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boxoffice.auth import Principal, require_role
from boxoffice.config import get_settings
from boxoffice.db import get_session
from boxoffice.models import Event, Promoter, Ticket

logger = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/settlements", tags=["settlements"])


async def _ticket_gross(session: AsyncSession, event_id: int) -> int:
    return await session.scalar(
        select(func.coalesce(func.sum(Ticket.price_pence), 0)).where(
            Ticket.event_id == event_id, Ticket.status.in_(("valid", "resold"))
        )
    )


def _fx_rate(currency: str) -> Decimal:
    if currency == "GBP":
        return Decimal(1)
    resp = requests.get(settings.fx_api_url, params={"base": "GBP", "symbols": currency}, timeout=5)
    resp.raise_for_status()
    return Decimal(str(resp.json()["rates"][currency]))


def _sign(payload: bytes) -> str:
    secret = settings.promoter_webhook_secret.get_secret_value().encode()
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


@router.post("/promoters/{promoter_id}/run")
async def settle_promoter(
    promoter_id: int,
    principal: Principal = Depends(require_role("finance")),
    session: AsyncSession = Depends(get_session),
):
    promoter = await session.get(Promoter, promoter_id)
    if promoter is None or not promoter.webhook_url:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="promoter has no settlement webhook")
    events = (
        await session.scalars(
            select(Event).where(Event.promoter_id == promoter_id, Event.status == "finished", Event.settled_at.is_(None))
        )
    ).all()
    if not events:
        return {"status": "nothing_to_settle", "events": 0}

    lines = []
    for event in events:
        gross = await _ticket_gross(session, event.id)  # expect: DB001
        venue_share = gross * promoter.venue_share_bp // 10_000
        lines.append({"event_id": event.id, "title": event.title, "gross_pence": gross, "venue_share_pence": venue_share})

    rate = _fx_rate(promoter.currency)  # expect: CON001
    owed_gbp = sum(line["gross_pence"] - line["venue_share_pence"] for line in lines)
    owed = (Decimal(owed_gbp) * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    statement = {
        "promoter_id": promoter.id,
        "currency": promoter.currency,
        "fx_rate": str(rate),
        "owed_minor_units": int(owed),
        "events": lines,
        "generated_at": datetime.now(timezone.utc).isoformat(),
    }
    payload = json.dumps(statement, separators=(",", ":")).encode()

    try:
        async with httpx.AsyncClient(timeout=None) as client:  # expect: REL001
            resp = await client.post(
                promoter.webhook_url,
                content=payload,
                headers={"Content-Type": "application/json", "X-Lantern-Signature": _sign(payload)},
            )
            resp.raise_for_status()
    except httpx.HTTPError as exc:
        logger.error(f"settlement push to promoter {promoter_id} failed: {exc}")  # expect: OBS002
        return {"status": "sent", "events": len(lines), "owed_minor_units": int(owed)}  # expect: ERR002

    settled_at = datetime.now(timezone.utc)
    for event in events:
        event.settled_at = settled_at
    await session.commit()
    logger.info("settled %d events for promoter %s by user %s", len(lines), promoter_id, principal.user_id)
    return {"status": "sent", "events": len(lines), "owed_minor_units": int(owed)}
