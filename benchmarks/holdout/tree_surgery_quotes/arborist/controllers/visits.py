"""Site-visit requests from customers and the estimators' visit list."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.exceptions import NotFoundException, ValidationException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arborist.auth import Principal, requires_staff
from arborist.clients.postcodes import PostcodeLookupError, get_postcode_client
from arborist.models import Site, SiteVisit

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
SORT_COLUMNS = {
    "requested_for": SiteVisit.requested_for,
    "created_at": SiteVisit.created_at,
    "status": SiteVisit.status,
}
VISIT_STATUSES = {"requested", "scheduled", "visited", "cancelled"}


@dataclass
class VisitRequestIn:
    site_id: int
    requested_for: date
    notes: str = ""


@dataclass
class VisitStatusIn:
    status: str


@dataclass
class VisitOut:
    id: int
    site_id: int
    requested_for: date
    status: str
    district: str | None
    notes: str

    @classmethod
    def from_model(cls, visit: SiteVisit) -> "VisitOut":
        return cls(visit.id, visit.site_id, visit.requested_for, visit.status, visit.district, visit.notes)


class VisitController(Controller):
    path = "/visits"

    @get("/")
    async def list_visits(
        self, request: Request[Principal, Any, Any], session: AsyncSession, sort: str = "requested_for", page: int = 1
    ) -> list[VisitOut]:
        column = SORT_COLUMNS.get(sort)
        if column is None:
            raise ValidationException(f"sort must be one of {sorted(SORT_COLUMNS)}")
        stmt = select(SiteVisit)
        if request.user.role == "customer":
            stmt = stmt.where(SiteVisit.customer_id == request.user.customer_id)
        stmt = stmt.order_by(column.desc(), SiteVisit.id.desc()).limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)  # ok: SEC001, DB002
        visits = (await session.scalars(stmt)).all()
        return [VisitOut.from_model(v) for v in visits]

    @post("/")
    async def request_visit(
        self, request: Request[Principal, Any, Any], session: AsyncSession, data: VisitRequestIn
    ) -> VisitOut:
        site = await session.get(Site, data.site_id)
        if site is None or site.customer_id != request.user.customer_id:  # ok: SEC018
            raise NotFoundException("site not found")
        if data.requested_for <= date.today():
            raise ValidationException("visits can be requested from tomorrow onwards")
        try:
            district = (await get_postcode_client().lookup(site.postcode)).admin_district
        except PostcodeLookupError:
            logger.warning("district unknown for site %s; visit saved without it", site.id)  # ok: ERR003
            district = None
        visit = SiteVisit(
            customer_id=site.customer_id,
            site_id=site.id,
            requested_for=data.requested_for,
            district=district,
            notes=data.notes[:2000],
            status="requested",
        )
        session.add(visit)
        await session.commit()
        logger.info("visit %s requested by customer %s", visit.id, site.customer_id)
        return VisitOut.from_model(visit)

    @patch("/{visit_id:int}/status", guards=[requires_staff])
    async def set_status(self, visit_id: int, session: AsyncSession, data: VisitStatusIn) -> VisitOut:
        if data.status not in VISIT_STATUSES:
            raise ValidationException(f"status must be one of {sorted(VISIT_STATUSES)}")
        visit = await session.get(SiteVisit, visit_id)
        if visit is None:
            raise NotFoundException("visit not found")
        visit.status = data.status
        await session.commit()
        return VisitOut.from_model(visit)
