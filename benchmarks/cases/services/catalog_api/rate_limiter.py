"""Per-client rate limiting for the public catalogue API."""
import logging
import time
from collections import defaultdict, deque

from fastapi import Depends, FastAPI, HTTPException, Request

from .db import get_session
from .product_listing import router as listing_router

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
MAX_REQUESTS_PER_WINDOW = 120

_recent_requests: dict[str, deque] = defaultdict(deque)  # expect: SCL001, RES002


def client_key(request: Request) -> str:
    api_key = request.headers.get("X-Api-Key")
    return f"key:{api_key}" if api_key else f"ip:{request.client.host}"


def enforce_rate_limit(request: Request):
    key = client_key(request)
    now = time.monotonic()
    window = _recent_requests[key]
    while window and window[0] < now - WINDOW_SECONDS:
        window.popleft()
    if len(window) >= MAX_REQUESTS_PER_WINDOW:
        logger.info("rate limit hit for %s", key)
        raise HTTPException(status_code=429, detail="rate limit exceeded", headers={"Retry-After": str(WINDOW_SECONDS)})
    window.append(now)  # expect: CON002


app = FastAPI(title="Catalogue API")
app.include_router(listing_router, dependencies=[Depends(enforce_rate_limit)])


@app.get("/v1/rate-limit")
def rate_limit_status(request: Request):
    key = client_key(request)
    used = len(_recent_requests.get(key, ()))
    return {"limit": MAX_REQUESTS_PER_WINDOW, "remaining": max(0, MAX_REQUESTS_PER_WINDOW - used), "window_seconds": WINDOW_SECONDS}


@app.get("/healthz")
def healthz(session=Depends(get_session)):
    return {"status": "ok"}
