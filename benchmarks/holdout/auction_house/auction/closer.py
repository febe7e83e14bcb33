"""Worker process that closes auctions whose end time has passed and settles them.

Deployed as its own Deployment: ``python -m auction.closer``.
"""
import logging
import signal
import threading
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .config import get_settings
from .models import Auction, SessionLocal, get_engine
from .payment_client import PaymentClient, PaymentError
from .settlement import settle_auction

logger = logging.getLogger("auction.closer")
_stop = threading.Event()


def close_next(db: Session, client: PaymentClient) -> bool:
    """Close and settle one due auction. Returns False when nothing is due."""
    now = datetime.now(timezone.utc)
    stmt = (
        select(Auction)
        .where(Auction.status == "open", Auction.ends_at <= now)
        .order_by(Auction.ends_at)
        .limit(1)
        .with_for_update(skip_locked=True)  # ok: DB004
    )
    auction = db.scalars(stmt).first()
    if auction is None:
        return False
    auction.status = "closed"
    db.flush()
    logger.info("closing auction %s (ended %s)", auction.id, auction.ends_at.isoformat())
    settle_auction(db, auction, client)
    db.commit()
    return True


def run_batch(client: PaymentClient, batch_size: int) -> int:
    processed = 0
    with SessionLocal(bind=get_engine()) as db:
        while processed < batch_size and not _stop.is_set():
            try:
                if not close_next(db, client):
                    break
            except (PaymentError, SQLAlchemyError):
                db.rollback()
                logger.exception("settling an auction failed; it stays open and is retried")
                break
            except Exception:
                db.rollback()
                logger.exception("unexpected error after settlement; continuing with the next auction")
            processed += 1
    return processed


def _handle_sigterm(signum, frame) -> None:
    logger.info("received signal %s, finishing current auction", signum)
    _stop.set()


def run_forever() -> None:
    settings = get_settings()
    signal.signal(signal.SIGTERM, _handle_sigterm)
    signal.signal(signal.SIGINT, _handle_sigterm)
    with PaymentClient(
        settings.payment_api_base,
        settings.payment_api_key,
        timeout=settings.payment_timeout_seconds,
        max_attempts=settings.payment_max_attempts,
    ) as client:
        while True:  # ok: REL002
            if _stop.is_set():
                break
            processed = run_batch(client, settings.closer_batch_size)
            if processed:
                logger.info("closed %d auctions", processed)
            else:
                _stop.wait(settings.closer_poll_seconds)
    logger.info("closer stopped")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    run_forever()
