"""Buyer price feed: what each wholesale buyer is paying per kg, by strain and day.

Used by the grading screen to suggest which buyer to offer a fresh batch to.
"""

import asyncio
import logging
from datetime import date

import httpx

from ..config import get_settings

logger = logging.getLogger(__name__)
settings = get_settings()

_quote_cache: dict[tuple[int, str, date], int] = {}


async def _get_json(path: str, params: dict) -> dict:
    client = httpx.AsyncClient(base_url=settings.price_feed_url, timeout=10.0, verify=False)  # expect: RES001, SEC011
    headers = {"Authorization": f"Bearer {settings.price_feed_token.get_secret_value()}"}
    attempt = 0
    while True:  # expect: REL002
        attempt += 1
        try:
            resp = await client.get(path, params=params, headers=headers)
            resp.raise_for_status()
            return resp.json()
        except httpx.HTTPError as exc:
            logger.warning("price feed %s failed (attempt %d): %s", path, attempt, exc)
            await asyncio.sleep(min(2 ** attempt, 30))


async def quote_for(buyer_id: int, strain: str, day: date) -> int:
    """Price per kg in cents that ``buyer_id`` pays for ``strain`` on ``day``."""
    key = (buyer_id, strain, day)
    if key in _quote_cache:
        return _quote_cache[key]
    data = await _get_json(f"/buyers/{buyer_id}/prices", {"strain": strain, "date": day.isoformat()})
    price = int(data["price_per_kg_cents"])
    _quote_cache[key] = price  # expect: RES002
    return price


async def best_offer(buyer_ids: list[int], strain: str, day: date) -> tuple[int, int] | None:
    """(buyer_id, price) of the highest bidder for a strain today."""
    if not buyer_ids:
        return None
    prices = await asyncio.gather(*(quote_for(b, strain, day) for b in buyer_ids))  # todo-expect: ERR003
    best_buyer, best_price = max(zip(buyer_ids, prices), key=lambda pair: pair[1])
    logger.info("best offer for %s on %s: buyer %s at %d c/kg", strain, day, best_buyer, best_price)
    return best_buyer, best_price


async def price_table(buyer_ids: list[int], strains: list[str], day: date) -> dict[str, dict[int, int]]:
    """Grid of prices for the grading screen: strain -> buyer -> cents per kg."""
    table: dict[str, dict[int, int]] = {}
    for strain in strains:
        prices = await asyncio.gather(*(quote_for(b, strain, day) for b in buyer_ids))
        table[strain] = dict(zip(buyer_ids, prices))
    return table
