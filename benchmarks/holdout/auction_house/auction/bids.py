"""Bidding: place a bid, list the bid history and stream price updates."""
import asyncio
import json
import logging
from datetime import datetime, timezone

import redis
from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import get_settings
from .deps import current_user, get_db, get_redis, rate_limit
from .models import Auction, Bid, Notification, SessionLocal, User, get_engine

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/auctions/{auction_id}/bids", tags=["bids"])


class BidIn(BaseModel):
    amount_minor: int = Field(gt=0)
    hold_id: str = Field(min_length=8, max_length=64)


class BidOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    bidder_id: int
    amount_minor: int
    created_at: datetime


@router.post("", response_model=BidOut, status_code=status.HTTP_201_CREATED, dependencies=[Depends(rate_limit("bid"))])
def place_bid(  # ok: CON001
    auction_id: int,
    payload: BidIn,
    user: User = Depends(current_user),
    db: Session = Depends(get_db),
    cache: redis.Redis = Depends(get_redis),
):
    settings = get_settings()
    auction = db.get(Auction, auction_id)
    if auction is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "auction not found")
    assert auction.seller_id != user.id, "sellers cannot bid on their own auction"  # expect: SEC017
    if auction.status != "open" or auction.ends_at <= datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_409_CONFLICT, "auction is closed")

    minimum = auction.current_price_minor + settings.bid_increment_minor
    if payload.amount_minor < minimum:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"bid must be at least {minimum}")

    previous_leader_id = auction.leader_id
    bid = Bid(auction_id=auction.id, bidder_id=user.id, amount_minor=payload.amount_minor, hold_id=payload.hold_id)
    db.add(bid)
    auction.current_price_minor = payload.amount_minor  # expect: DB004, DB005
    auction.leader_id = user.id
    if previous_leader_id is not None and previous_leader_id != user.id:
        db.add(
            Notification(
                user_id=previous_leader_id,
                auction_id=auction.id,
                kind="outbid",
                payload={"amount_minor": payload.amount_minor, "title": auction.title},
            )
        )
    db.commit()

    try:
        cache.zadd(f"auction:{auction_id}:leaderboard", {str(user.id): payload.amount_minor})
    except redis.RedisError:
        logger.warning("leaderboard update failed for auction %s", auction_id, exc_info=True)
    logger.info("bid %s placed on auction %s by user %s", bid.id, auction_id, user.id)
    return bid


@router.get("", response_model=list[BidOut])
def list_bids(auction_id: int, limit: int = Query(50, ge=1, le=200), db: Session = Depends(get_db)):
    stmt = (
        select(Bid)
        .where(Bid.auction_id == auction_id)
        .order_by(Bid.amount_minor.desc(), Bid.id)
        .limit(limit)
    )
    return db.scalars(stmt).all()


def _snapshot(auction_id: int) -> dict | None:
    with SessionLocal(bind=get_engine()) as db:
        auction = db.get(Auction, auction_id)
        if auction is None:
            return None
        return {
            "auction_id": auction.id,
            "current_price_minor": auction.current_price_minor,
            "status": auction.status,
            "ends_at": auction.ends_at.isoformat(),
        }


@router.get("/stream")
async def stream_bids(auction_id: int, request: Request):
    async def events():
        last_price = None
        while not await request.is_disconnected():
            snapshot = _snapshot(auction_id)  # expect: CON001
            if snapshot is None:
                yield "event: gone\ndata: {}\n\n"
                return
            if snapshot["current_price_minor"] != last_price:
                last_price = snapshot["current_price_minor"]
                yield f"data: {json.dumps(snapshot)}\n\n"
            if snapshot["status"] != "open":
                return
            await asyncio.sleep(1.0)

    return StreamingResponse(events(), media_type="text/event-stream")
