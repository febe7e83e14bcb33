"""Quotes: estimators price the work, customers review and accept."""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException, NotFoundException
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from arborist.auth import Principal, requires_estimator
from arborist.clients.council import get_council_client
from arborist.models import Quote, QuoteLine, Site, SiteVisit
from arborist.services.pricing import WorkItem, price_quote
from arborist.settings import get_settings

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


@dataclass
class WorkItemIn:
    operation: str
    species: str
    height_m: Decimal
    access: str = "open"


@dataclass
class QuoteIn:
    visit_id: int
    items: list[WorkItemIn]


@dataclass
class QuoteSummary:
    id: int
    reference: str
    status: str
    total_pence: int
    expires_at: datetime


@dataclass
class QuoteDetail(QuoteSummary):
    deposit_pence: int = 0
    tpo_notes: str = ""
    lines: list[dict] = field(default_factory=list)

    @classmethod
    def from_model(cls, quote: Quote) -> "QuoteDetail":
        return cls(
            id=quote.id, reference=quote.reference, status=quote.status, total_pence=quote.total_pence,
            expires_at=quote.expires_at, deposit_pence=quote.deposit_pence, tpo_notes=quote.tpo_notes,
            lines=[{"operation": ln.operation, "species": ln.species, "price_pence": ln.price_pence} for ln in quote.lines],
        )


class QuoteController(Controller):
    path = "/quotes"

    @get("/")
    async def list_quotes(
        self, request: Request[Principal, Any, Any], session: AsyncSession, sort: str = "created_at", page: int = 1
    ) -> list[QuoteSummary]:
        offset = (max(page, 1) - 1) * PAGE_SIZE
        stmt = text(f"SELECT id, reference, status, total_pence, expires_at FROM quotes WHERE customer_id = :cid ORDER BY {sort} DESC LIMIT :lim OFFSET :off")  # expect: SEC001
        rows = (await session.execute(stmt, {"cid": request.user.customer_id, "lim": PAGE_SIZE, "off": offset})).all()
        return [QuoteSummary(*row) for row in rows]

    @get("/{quote_id:int}")
    async def get_quote(self, quote_id: int, session: AsyncSession) -> QuoteDetail:
        quote = await session.scalar(select(Quote).options(selectinload(Quote.lines)).where(Quote.id == quote_id))  # expect: SEC018
        if quote is None:
            raise NotFoundException("quote not found")
        return QuoteDetail.from_model(quote)

    @post("/", guards=[requires_estimator])
    async def create_quote(self, session: AsyncSession, data: QuoteIn) -> QuoteDetail:
        settings = get_settings()
        visit = await session.get(SiteVisit, data.visit_id)
        if visit is None:
            raise NotFoundException("visit not found")
        site = await session.get(Site, visit.site_id)
        tpo = await get_council_client().lookup(site.uprn or site.postcode)  # todo-expect: ERR003
        items = [WorkItem(i.operation, i.species, i.height_m, i.access) for i in data.items]
        try:
            priced = price_quote(items, deposit_percent=settings.deposit_percent, tpo_protected=tpo.protected)
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc
        quote = Quote(
            reference=secrets.token_hex(4).upper(),
            customer_id=visit.customer_id,
            site_id=site.id,
            visit_id=visit.id,
            status="sent",
            total_pence=priced.total_pence,
            deposit_pence=priced.deposit_pence,
            crew_hours=priced.crew_hours,
            tpo_notes="; ".join(o.reference for o in tpo.orders) or ("conservation area" if tpo.conservation_area else ""),
            expires_at=datetime.now(timezone.utc) + timedelta(days=settings.quote_validity_days),
        )
        quote.lines = [QuoteLine(operation=i.operation, species=i.species, height_m=i.height_m, price_pence=p)
                       for i, p in zip(items, priced.line_prices)]
        session.add(quote)
        await session.commit()
        logger.info("quote %s created for visit %s", quote.reference, visit.id)
        return QuoteDetail.from_model(quote)

    @post("/{quote_id:int}/accept", status_code=200)
    async def accept_quote(self, quote_id: int, request: Request[Principal, Any, Any], session: AsyncSession) -> QuoteSummary:
        quote = await session.get(Quote, quote_id)
        if quote is None or quote.customer_id != request.user.customer_id:
            raise NotFoundException("quote not found")
        result = await session.execute(
            update(Quote).where(Quote.id == quote_id, Quote.status == "sent", Quote.expires_at > datetime.now(timezone.utc)).values(status="accepted")  # ok: DB005
        )
        if result.rowcount != 1:
            raise HTTPException(status_code=409, detail="this quote can no longer be accepted")
        await session.commit()
        return QuoteSummary(quote.id, quote.reference, "accepted", quote.total_pence, quote.expires_at)
