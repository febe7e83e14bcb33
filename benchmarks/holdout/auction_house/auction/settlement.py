"""Settles a closed auction: capture the winning hold, record the payment,
tell the winner and release every losing bidder's hold."""
import logging
import time

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import get_settings
from .models import Auction, Bid, Payment
from .payment_client import PaymentClient, PaymentDeclined

logger = logging.getLogger(__name__)


def _winning_bid(db: Session, auction: Auction) -> Bid | None:
    stmt = (
        select(Bid)
        .where(Bid.auction_id == auction.id)
        .order_by(Bid.amount_minor.desc(), Bid.id)
        .limit(1)
    )
    return db.scalars(stmt).first()


def settle_auction(db: Session, auction: Auction, client: PaymentClient) -> Payment | None:
    """The caller holds the row lock on ``auction`` and has set its status to closed."""
    winning = _winning_bid(db, auction)
    if winning is None:
        auction.status = "unsold"
        db.commit()
        logger.info("auction %s closed without bids", auction.id)
        return None

    try:
        capture = client.capture(
            hold_id=winning.hold_id,
            amount_minor=winning.amount_minor,
            currency=auction.currency,
            idempotency_key=f"auction-{auction.id}-capture",  # ok: REL003
        )
    except PaymentDeclined:
        logger.warning("capture declined for auction %s bid %s", auction.id, winning.id)
        auction.status = "payment_failed"
        db.commit()
        return None

    payment = Payment(
        auction_id=auction.id,
        bid_id=winning.id,
        provider_capture_id=capture.id,
        amount_minor=capture.amount_minor,
        status=capture.status,
    )
    db.add(payment)
    auction.status = "settled"
    auction.winner_bid_id = winning.id
    db.commit()

    _email_winner(auction, winning)  # expect: REL004
    release_losing_holds(db, auction, winning)
    return payment


def _email_winner(auction: Auction, bid: Bid) -> None:
    settings = get_settings()
    message = {
        "from": settings.mail_from,
        "to": bid.bidder.email,
        "subject": f"You won: {auction.title}",
        "text": (
            f"Congratulations, your bid of {bid.amount_minor / 100:.2f} {auction.currency} won.\n"
            f"Order details: {settings.public_base_url}/auctions/{auction.id}/receipt"
        ),
    }
    response = requests.post(  # expect: REL001
        f"{settings.mail_api_base}/messages",
        json=message,
        headers={"Authorization": f"Bearer {settings.mail_api_key}"},
    )
    response.raise_for_status()


def release_losing_holds(db: Session, auction: Auction, winning: Bid) -> int:
    losers = db.scalars(
        select(Bid).where(Bid.auction_id == auction.id, Bid.id != winning.id).order_by(Bid.id)
    ).all()
    released = 0
    for bid in losers:
        _void_hold(bid.bidder.payment_customer_id, bid.hold_id)  # expect: DB001
        released += 1
    logger.info("released %d holds for auction %s", released, auction.id)
    return released


def _void_hold(customer_id: str | None, hold_id: str) -> None:
    settings = get_settings()
    url = f"{settings.payment_api_base}/holds/{hold_id}/void"
    headers = {"Authorization": f"Bearer {settings.payment_api_key}"}
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        response = requests.post(
            url,
            json={"customer": customer_id},
            headers=headers,
            timeout=settings.payment_timeout_seconds,  # ok: REL001
        )
        if response.status_code < 500:
            break
        logger.warning("void of hold %s returned %s (attempt %d)", hold_id, response.status_code, attempt)
        time.sleep(1)
    if response.status_code not in (200, 204, 404):
        response.raise_for_status()
