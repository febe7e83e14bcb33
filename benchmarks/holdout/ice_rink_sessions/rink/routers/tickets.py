"""Public skating sessions: browse the schedule and buy walk-up tickets online."""
import logging
import uuid
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rink.auth import current_customer
from rink.db import get_session
from rink.models import Customer, SkatingSession, Ticket
from rink.services.payments import PaymentDeclined, PaymentUnavailable, payments

logger = logging.getLogger(__name__)
router = APIRouter(tags=["sessions"])


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    seats_left: int
    price_cents: int


class TicketOrder(BaseModel):
    quantity: int = Field(ge=1, le=8)
    request_id: uuid.UUID


class TicketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    session_id: int
    quantity: int
    status: str


@router.get("/sessions", response_model=list[SessionOut])
async def upcoming_sessions(
    days: int = Query(default=7, ge=1, le=31),
    db: AsyncSession = Depends(get_session),
):
    now = datetime.now(timezone.utc)
    stmt = (
        select(SkatingSession)
        .where(SkatingSession.starts_at >= now, SkatingSession.starts_at < now + timedelta(days=days))
        .order_by(SkatingSession.starts_at)
        .limit(100)
    )
    return (await db.scalars(stmt)).all()  # ok: DB002


@router.post("/sessions/{session_id}/tickets", response_model=TicketOut, status_code=status.HTTP_201_CREATED)
async def buy_tickets(
    session_id: int,
    order: TicketOrder,
    customer: Customer = Depends(current_customer),
    db: AsyncSession = Depends(get_session),
):
    skate_session = await db.get(SkatingSession, session_id)
    if skate_session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such session")
    if skate_session.starts_at < datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_409_CONFLICT, "session already started")
    if skate_session.seats_left < order.quantity:  # expect: DB005
        raise HTTPException(status.HTTP_409_CONFLICT, "not enough spots left")

    amount = skate_session.price_cents * order.quantity
    try:
        charge = await payments.charge(  # expect: REL004
            customer_ref=customer.payment_customer_ref,
            amount_cents=amount,
            description=f"{order.quantity} x {skate_session.title} {skate_session.starts_at:%b %d %H:%M}",
            idempotency_key=f"tickets-{order.request_id}",
        )
    except PaymentDeclined as exc:
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, str(exc)) from exc
    except PaymentUnavailable as exc:
        logger.warning("payment provider unavailable for session %s: %s", session_id, exc)  # ok: OBS002
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "payments are down, try again") from exc

    skate_session.seats_left -= order.quantity  # expect: DB004
    ticket = Ticket(
        session_id=session_id,
        customer_id=customer.id,
        quantity=order.quantity,
        status="paid",
        payment_ref=charge.id,
    )
    db.add(ticket)
    await db.commit()
    logger.info("sold %s tickets for session %s to customer %s", order.quantity, session_id, customer.id)
    return ticket
