"""The signed-in customer's own tickets and passes ("My account" in the app)."""
import logging
from datetime import date, datetime

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from rink.auth import current_customer
from rink.db import get_session
from rink.models import Customer, SeasonPass, Ticket

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/me", tags=["account"])


class MyPass(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    tier: str
    valid_until: date
    auto_renew: bool
    frozen_until: date | None


class MyTicket(BaseModel):
    id: int
    quantity: int
    status: str
    session_title: str
    starts_at: datetime


@router.get("/passes", response_model=list[MyPass])
async def my_passes(customer: Customer = Depends(current_customer), db: AsyncSession = Depends(get_session)):
    stmt = (
        select(SeasonPass)
        .where(SeasonPass.customer_id == customer.id)
        .order_by(SeasonPass.valid_until.desc())
        .limit(20)
    )
    return (await db.scalars(stmt)).all()


@router.get("/passes/{pass_id}", response_model=MyPass)
async def my_pass(
    pass_id: int,
    customer: Customer = Depends(current_customer),
    db: AsyncSession = Depends(get_session),
):
    season_pass = await db.scalar(
        select(SeasonPass).where(SeasonPass.id == pass_id, SeasonPass.customer_id == customer.id)  # ok: SEC018
    )
    if season_pass is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such pass")
    return season_pass


@router.get("/tickets", response_model=list[MyTicket])
async def my_tickets(
    before_id: int | None = Query(default=None, description="keyset cursor from the previous page"),
    limit: int = Query(default=25, ge=1, le=100),
    customer: Customer = Depends(current_customer),
    db: AsyncSession = Depends(get_session),
):
    stmt = (
        select(Ticket)
        .options(selectinload(Ticket.session))
        .where(Ticket.customer_id == customer.id)
        .order_by(Ticket.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        stmt = stmt.where(Ticket.id < before_id)

    tickets = (await db.scalars(stmt)).all()
    return [
        MyTicket(
            id=t.id,
            quantity=t.quantity,
            status=t.status,
            session_title=t.session.title,  # ok: DB001
            starts_at=t.session.starts_at,
        )
        for t in tickets
    ]
