"""Fan-to-fan resale at face value: list a ticket, browse listings, buy one."""
import logging
import secrets

import stripe
from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boxoffice.auth import Principal, current_user
from boxoffice.config import get_settings
from boxoffice.db import get_session
from boxoffice.models import ResaleListing, Ticket

logger = logging.getLogger(__name__)
settings = get_settings()
router = APIRouter(prefix="/resale", tags=["resale"])


class ListingBody(BaseModel):
    ticket_id: int
    price_pence: int = Field(gt=0)


class BuyBody(BaseModel):
    payment_method_id: str


@router.post("/listings", status_code=status.HTTP_201_CREATED)
async def create_listing(body: ListingBody, user: Principal = Depends(current_user), session: AsyncSession = Depends(get_session)):
    ticket = await session.get(Ticket, body.ticket_id, with_for_update=True)  # expect: SEC018
    if ticket is None or ticket.status != "valid" or ticket.scanned_at is not None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="ticket not available for resale")
    if body.price_pence > ticket.price_pence:
        return {"ok": False, "reason": "resale is capped at face value"}  # todo-expect: MNT001
    open_listing = await session.scalar(
        select(ResaleListing.id).where(ResaleListing.ticket_id == ticket.id, ResaleListing.status == "open")
    )
    if open_listing is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="ticket is already listed")
    listing = ResaleListing(ticket_id=ticket.id, seller_id=user.user_id, price_pence=body.price_pence)
    session.add(listing)
    await session.commit()
    logger.info("user %s listed ticket %s at %sp as listing %s", user.user_id, ticket.id, body.price_pence, listing.id)
    return {"listing_id": listing.id, "price_pence": listing.price_pence, "status": listing.status}


@router.get("/events/{event_id}/listings")
async def event_listings(
    event_id: int,
    limit: int = Query(50, le=100),
    after_id: int = 0,
    session: AsyncSession = Depends(get_session),
):
    rows = await session.execute(
        select(ResaleListing.id, ResaleListing.price_pence, Ticket.seat_id)
        .join(Ticket, Ticket.id == ResaleListing.ticket_id)
        .where(Ticket.event_id == event_id, ResaleListing.status == "open", ResaleListing.id > after_id)
        .order_by(ResaleListing.id)
        .limit(limit)
    )
    return {"listings": [{"listing_id": r.id, "price_pence": r.price_pence, "seat_id": r.seat_id} for r in rows]}


@router.post("/listings/{listing_id}/buy")
async def buy_listing(listing_id: int, body: BuyBody, user: Principal = Depends(current_user), session: AsyncSession = Depends(get_session)):
    listing = await session.scalar(
        select(ResaleListing).where(ResaleListing.id == listing_id, ResaleListing.status == "open").with_for_update()
    )
    if listing is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="listing no longer available")
    if listing.seller_id == user.user_id:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="you can't buy your own listing")

    ticket = await session.scalar(select(Ticket).where(Ticket.id == listing.ticket_id).with_for_update())
    ticket.holder_id = user.user_id
    ticket.code = secrets.token_urlsafe(16)  # ok: SEC010
    listing.status, listing.buyer_id = "sold", user.user_id
    await session.flush()

    try:
        intent = stripe.PaymentIntent.create(  # expect: CON001
            amount=listing.price_pence,
            currency="gbp",
            payment_method=body.payment_method_id,
            payment_method_types=["card"],
            confirm=True,
            metadata={"listing_id": str(listing.id), "seller_id": str(listing.seller_id)},
            idempotency_key=f"resale-{listing.id}-{user.user_id}",
            api_key=settings.stripe_secret_key.get_secret_value(),
        )
    except stripe.error.CardError as exc:
        await session.rollback()
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, detail=exc.user_message) from exc

    listing.payment_intent_id = intent.id
    await session.commit()
    logger.info("listing %s sold to user %s (intent %s)", listing.id, user.user_id, intent.id)
    return {"listing_id": listing.id, "ticket_id": ticket.id, "status": "sold"}
