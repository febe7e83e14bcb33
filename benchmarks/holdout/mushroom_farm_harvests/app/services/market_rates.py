"""Buyer price feed client with a shared connection pool, bounded retries and a Redis cache.

One instance is created in the app lifespan and closed on shutdown.
"""

import asyncio
import logging
from datetime import date

import httpx
from redis.asyncio import Redis
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

logger = logging.getLogger(__name__)


class MarketRatesClient:
    def __init__(self, base_url: str, token: str, redis: Redis, cache_seconds: int = 900):
        self._client = httpx.AsyncClient(  # ok: RES001
            base_url=base_url,
            timeout=httpx.Timeout(5.0, connect=2.0),
            headers={"Authorization": f"Bearer {token}"},
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )
        self._redis = redis
        self._cache_seconds = cache_seconds

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _fetch(self, path: str, params: dict) -> dict:
        async for attempt in AsyncRetrying(  # ok: REL002
            stop=stop_after_attempt(3),
            wait=wait_exponential(multiplier=0.5, max=4),
            retry=retry_if_exception_type(httpx.TransportError),
            reraise=True,
        ):
            with attempt:
                resp = await self._client.get(path, params=params)
                resp.raise_for_status()
                return resp.json()
        raise RuntimeError("unreachable")

    async def quote(self, buyer_id: int, strain: str, day: date) -> int | None:
        """Cents per kg, or None when the buyer has no price or the feed is down."""
        key = f"quote:{buyer_id}:{strain}:{day.isoformat()}"
        cached = await self._redis.get(key)
        if cached is not None:
            return int(cached)
        try:
            data = await self._fetch(f"/buyers/{buyer_id}/prices", {"strain": strain, "date": day.isoformat()})
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:
                return None
            logger.warning("price feed returned %s for buyer %s", exc.response.status_code, buyer_id)
            return None
        except httpx.TransportError:
            logger.warning("price feed unreachable for buyer %s", buyer_id, exc_info=True)
            return None
        price = int(data["price_per_kg_cents"])
        await self._redis.set(key, price, ex=self._cache_seconds)
        return price

    async def best_offer(self, buyer_ids: list[int], strain: str, day: date) -> tuple[int, int] | None:
        """Highest current bid among buyers that answered; None if nobody did."""
        prices = await asyncio.gather(*(self.quote(b, strain, day) for b in buyer_ids))
        offers = [(b, p) for b, p in zip(buyer_ids, prices) if p is not None]
        if not offers:
            return None
        return max(offers, key=lambda pair: pair[1])
