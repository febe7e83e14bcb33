"""Auction catalogue: listing, detail with top bids, creation and cancellation."""
import logging
from datetime import datetime, timedelta, timezone

import redis
from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .deps import current_user, get_db, get_redis
from .models import Auction, Bid, User

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auctions", tags=["auctions"])


class AuctionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    currency: str
    current_price_minor: int
    status: str
    ends_at: datetime


class AuctionCreate(BaseModel):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(default="", max_length=10_000)
    currency: str = Field(default="EUR", pattern="^[A-Z]{3}$")
    starting_price_minor: int = Field(gt=0, le=10_000_000_00)
    ends_at: datetime

    @field_validator("ends_at")
    @classmethod
    def ends_in_future(cls, value: datetime) -> datetime:
        now = datetime.now(timezone.utc)
        if not now + timedelta(hours=1) <= value <= now + timedelta(days=30):
            raise ValueError("auctions must run between one hour and thirty days")
        return value


@router.get("", response_model=list[AuctionOut])
def list_auctions(  # ok: CON001
    status_filter: str = Query("open", alias="status", pattern="^(open|closed|settled)$"),
    before_id: int | None = None,
    limit: int = Query(20, ge=1, le=100),
    db: Session = Depends(get_db),
):
    stmt = select(Auction).where(Auction.status == status_filter).order_by(Auction.id.desc()).limit(limit)  # ok: DB002
    if before_id is not None:
        stmt = stmt.where(Auction.id < before_id)
    return db.scalars(stmt).all()


@router.get("/{auction_id}")
def get_auction(auction_id: int, db: Session = Depends(get_db), cache: redis.Redis = Depends(get_redis)):
    auction = db.get(Auction, auction_id)
    if auction is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "auction not found")
    top_bids = db.scalars(
        select(Bid)
        .options(joinedload(Bid.bidder))
        .where(Bid.auction_id == auction_id)
        .order_by(Bid.amount_minor.desc())
        .limit(10)
    ).all()
    try:
        watchers = cache.scard(f"auction:{auction_id}:watchers")
    except redis.RedisError:
        logger.warning("watcher count unavailable for auction %s", auction_id, exc_info=True)
        watchers = None
    return {
        "auction": AuctionOut.model_validate(auction),
        "watchers": watchers,
        "top_bids": [
            {"bidder": bid.bidder.display_name, "amount_minor": bid.amount_minor}  # ok: DB001
            for bid in top_bids
        ],
    }


@router.post("", response_model=AuctionOut, status_code=status.HTTP_201_CREATED)
def create_auction(payload: AuctionCreate, user: User = Depends(current_user), db: Session = Depends(get_db)):
    auction = Auction(
        seller_id=user.id,
        title=payload.title,
        description=payload.description,
        currency=payload.currency,
        starting_price_minor=payload.starting_price_minor,
        current_price_minor=payload.starting_price_minor,
        ends_at=payload.ends_at,
    )
    db.add(auction)
    db.commit()
    logger.info("auction %s created by user %s", auction.id, user.id)
    return auction


@router.post("/{auction_id}/cancel", response_model=AuctionOut)
def cancel_auction(auction_id: int, user: User = Depends(current_user), db: Session = Depends(get_db)):
    auction = db.scalars(select(Auction).where(Auction.id == auction_id).with_for_update()).first()  # ok: DB004
    if auction is None or auction.seller_id != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "auction not found")
    if auction.status != "open" or auction.leader_id is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "only auctions without bids can be cancelled")
    auction.status = "cancelled"
    db.commit()
    return auction
