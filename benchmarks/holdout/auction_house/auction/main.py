"""FastAPI application: routers, CORS, public watch endpoint and startup jobs."""
import asyncio
import logging
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import select, text

from . import auctions, bids
from .config import get_settings
from .models import Auction, Notification, SessionLocal, get_engine

logger = logging.getLogger("auction.api")
settings = get_settings()

app = FastAPI(title=settings.app_name, debug=settings.debug)
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,  # ok: SEC013
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type"],
)
app.include_router(auctions.router)
app.include_router(bids.router)

WATCH_WINDOW_SECONDS = 60.0
_watch_hits: dict[str, deque[float]] = defaultdict(deque)  # expect: SCL001, RES002


@app.middleware("http")
async def throttle_public_pages(request: Request, call_next):
    if request.url.path.startswith("/public/"):
        client_ip = request.client.host if request.client else "unknown"
        now = time.monotonic()
        hits = _watch_hits[client_ip]
        while hits and now - hits[0] > WATCH_WINDOW_SECONDS:
            hits.popleft()
        if len(hits) >= settings.rate_limit_per_minute:
            return JSONResponse({"detail": "too many requests"}, status_code=429)
        hits.append(now)
    return await call_next(request)


@app.get("/public/auctions/{auction_id}")
def public_auction(auction_id: int):
    with SessionLocal(bind=get_engine()) as db:
        auction = db.get(Auction, auction_id)
        if auction is None or auction.status == "cancelled":
            raise HTTPException(404, "auction not found")
        return {
            "id": auction.id,
            "title": auction.title,
            "current_price_minor": auction.current_price_minor,
            "currency": auction.currency,
            "ends_at": auction.ends_at.isoformat(),
        }


@app.get("/healthz")
def healthz():
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok"}


def _queue_ending_soon_notices() -> int:
    cutoff = datetime.now(timezone.utc) + timedelta(minutes=settings.ending_soon_minutes)
    with SessionLocal(bind=get_engine()) as db:
        due = db.scalars(
            select(Auction)
            .where(Auction.status == "open", Auction.ends_at <= cutoff, Auction.ending_soon_sent.is_(False))
            .limit(200)
        ).all()
        for auction in due:
            if auction.leader_id is not None:
                db.add(
                    Notification(
                        user_id=auction.leader_id,
                        auction_id=auction.id,
                        kind="ending_soon",
                        payload={"title": auction.title},
                    )
                )
            auction.ending_soon_sent = True
        db.commit()
        return len(due)


async def _ending_soon_loop() -> None:
    while True:  # ok: REL002
        try:
            queued = await asyncio.to_thread(_queue_ending_soon_notices)  # ok: CON001
            if queued:
                logger.info("queued ending-soon notices for %d auctions", queued)
        except Exception:
            logger.exception("ending-soon sweep failed")
        await asyncio.sleep(60)


@app.on_event("startup")
async def start_background_jobs() -> None:
    app.state.ending_soon_task = asyncio.create_task(_ending_soon_loop())  # expect: SCL003
