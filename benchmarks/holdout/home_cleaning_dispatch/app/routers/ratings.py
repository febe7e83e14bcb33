"""Customers rate a completed clean; cleaners' public rating pages."""
import logging

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import require_role
from app.core import get_session
from app.models import Booking, Cleaner, Rating, User

logger = logging.getLogger(__name__)
router = APIRouter(tags=["ratings"])


class RatingIn(BaseModel):
    stars: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=1000)


@router.post("/bookings/{booking_id}/rating", status_code=status.HTTP_201_CREATED)
async def rate_booking(
    booking_id: int,
    body: RatingIn,
    user: User = Depends(require_role("customer")),
    session: AsyncSession = Depends(get_session),
):
    booking = await session.scalar(
        select(Booking).where(Booking.id == booking_id, Booking.customer_id == user.id)  # ok: SEC018
    )
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Booking not found")
    if booking.status != "completed" or booking.cleaner_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "You can rate a clean once it is completed")

    session.add(
        Rating(booking_id=booking.id, cleaner_id=booking.cleaner_id, stars=body.stars, comment=body.comment)
    )
    try:
        await session.flush()  # ok: DB005
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "This clean has already been rated") from None

    await session.execute(
        update(Cleaner)
        .where(Cleaner.id == booking.cleaner_id)
        .values(rating_sum=Cleaner.rating_sum + body.stars, rating_count=Cleaner.rating_count + 1)  # ok: DB004
    )
    await session.commit()
    logger.info("booking %s rated %d stars by customer %s", booking.id, body.stars, user.id)
    return {"booking_id": booking.id, "stars": body.stars}


@router.get("/cleaners/{cleaner_id}/ratings")
async def cleaner_ratings(
    cleaner_id: int,
    before_id: int | None = None,
    limit: int = Query(20, ge=1, le=50),
    session: AsyncSession = Depends(get_session),
):
    """Public profile data: average plus recent comments, without customer identities."""
    cleaner = await session.get(Cleaner, cleaner_id)
    if cleaner is None or not cleaner.active:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Cleaner not found")
    stmt = (
        select(Rating.id, Rating.stars, Rating.comment)
        .where(Rating.cleaner_id == cleaner_id)
        .order_by(Rating.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        stmt = stmt.where(Rating.id < before_id)
    rows = (await session.execute(stmt)).all()
    average = round(cleaner.rating_sum / cleaner.rating_count, 2) if cleaner.rating_count else None
    return {
        "cleaner_id": cleaner.id,
        "display_name": cleaner.display_name,
        "average": average,
        "count": cleaner.rating_count,
        "ratings": [{"id": r.id, "stars": r.stars, "comment": r.comment} for r in rows],
    }
