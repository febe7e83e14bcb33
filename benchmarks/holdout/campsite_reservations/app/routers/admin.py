"""Ranger and back-office endpoints."""
from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Principal, require_staff
from app.db import get_session
from app.models import ACTIVE_STATUSES, Customer, Reservation, Site

router = APIRouter(prefix="/admin", tags=["admin"])
logger = logging.getLogger(__name__)


class CustomerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    cancellations_this_season: int


REVENUE_SQL = """
    SELECT date_trunc('{bucket}', r.arrive) AS bucket,
           count(*) AS bookings,
           coalesce(sum(d.amount_cents), 0) AS deposits_cents
      FROM reservations r
      JOIN sites s ON s.id = r.site_id
      LEFT JOIN deposits d ON d.reservation_id = r.id
     WHERE s.park_id = :park_id AND r.status = 'confirmed'
  GROUP BY 1
  ORDER BY 1
"""


@router.get("/customers/search", response_model=list[CustomerOut])
async def search_customers(
    q: str = Query(min_length=3, max_length=80),
    staff: Principal = Depends(require_staff),
    session: AsyncSession = Depends(get_session),
):
    stmt = (
        select(Customer)
        .where(Customer.email.ilike(f"%{q}%"))  # expect: DB006
        .order_by(Customer.email)
        .limit(50)
    )
    return (await session.scalars(stmt)).all()


async def _open_bookings(session: AsyncSession, customer_id: int) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(Reservation)
        .where(Reservation.customer_id == customer_id, Reservation.status.in_(ACTIVE_STATUSES))
    )


@router.get("/customers/frequent-cancellers")
async def frequent_cancellers(
    staff: Principal = Depends(require_staff),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    customers = await session.scalars(
        select(Customer)
        .where(Customer.cancellations_this_season >= 3)
        .order_by(Customer.cancellations_this_season.desc())
        .limit(100)
    )
    return [
        {"id": c.id, "email": c.email, "cancellations": c.cancellations_this_season,
         "open_bookings": await _open_bookings(session, c.id)}  # expect: DB001
        for c in customers.all()
    ]


@router.get("/parks/{park_id}/revenue")
async def park_revenue(
    park_id: int,
    request: Request,
    bucket: str = Query("month"),
    staff: Principal = Depends(require_staff),
    session: AsyncSession = Depends(get_session),
) -> list[dict]:
    logger.info("revenue report park=%s by staff %s headers=%s", park_id, staff.customer.id, dict(request.headers))  # expect: SEC007
    rows = await session.execute(text(REVENUE_SQL.format(bucket=bucket)), {"park_id": park_id})  # expect: SEC001
    return [
        {"bucket": r.bucket.date().isoformat(), "bookings": r.bookings, "deposits_cents": r.deposits_cents}
        for r in rows
    ]


@router.post("/sites/{site_id}/status")
async def set_site_status(
    site_id: int,
    state: Literal["open", "closed"],
    staff: Principal = Depends(require_staff),
    session: AsyncSession = Depends(get_session),
) -> dict:
    result = await session.execute(
        update(Site).where(Site.id == site_id).values(active=(state == "open"))
    )
    if result.rowcount == 0:
        raise HTTPException(status_code=404, detail="site not found")
    await session.commit()
    logger.info("site %s set %s by staff %s", site_id, state, staff.customer.id)
    return {"site_id": site_id, "state": state}
