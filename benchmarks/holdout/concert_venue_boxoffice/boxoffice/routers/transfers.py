"""A fan's own tickets, and free transfers to a friend who has an account."""
import logging
import secrets

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, EmailStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from boxoffice.auth import Principal, current_user
from boxoffice.db import get_session
from boxoffice.models import ResaleListing, Ticket, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/tickets", tags=["tickets"])


class TransferBody(BaseModel):
    recipient_email: EmailStr


@router.get("/mine")
async def my_tickets(
    limit: int = Query(50, le=100),
    user: Principal = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    tickets = await session.scalars(
        select(Ticket)
        .where(Ticket.holder_id == user.user_id, Ticket.status == "valid")
        .options(selectinload(Ticket.event), selectinload(Ticket.seat))
        .order_by(Ticket.id.desc())
        .limit(limit)
    )
    return {
        "tickets": [
            {
                "id": t.id,
                "event": t.event.title,
                "starts_at": t.event.starts_at.isoformat(),
                "seat": f"{t.seat.section} {t.seat.row_label}{t.seat.number}",
                "code": t.code,
            }
            for t in tickets  # ok: DB001
        ]
    }


@router.post("/{ticket_id}/transfer")
async def transfer_ticket(
    ticket_id: int,
    body: TransferBody,
    user: Principal = Depends(current_user),
    session: AsyncSession = Depends(get_session),
):
    async with session.begin():
        ticket = await session.scalar(  # ok: SEC018
            select(Ticket)
            .where(Ticket.id == ticket_id, Ticket.holder_id == user.user_id, Ticket.status == "valid", Ticket.scanned_at.is_(None))
            .with_for_update()
        )
        if ticket is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="ticket not found")

        listed = await session.scalar(
            select(ResaleListing.id).where(ResaleListing.ticket_id == ticket.id, ResaleListing.status == "open")
        )
        if listed is not None:
            raise HTTPException(status.HTTP_409_CONFLICT, detail="cancel the resale listing first")

        recipient = await session.scalar(select(User).where(User.email == body.recipient_email.lower()))
        if recipient is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="ask your friend to create an account first")
        if recipient.id == user.user_id:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="that's already your ticket")

        ticket.holder_id = recipient.id
        ticket.code = secrets.token_urlsafe(16)

    logger.info("ticket %s transferred from user %s to user %s", ticket_id, user.user_id, recipient.id)
    return {"ticket_id": ticket_id, "holder": recipient.display_name}
