"""Small in-process lookups that are safe to hold per worker.

The depot directory changes a few times a year, so each worker keeps a bounded
copy and refreshes it in the background; council rates are shared through redis.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from redis import asyncio as aioredis

from dispatch.models import Council, Depot

logger = logging.getLogger(__name__)

RATE_TTL_SECONDS = 600


@dataclass(frozen=True)
class DepotInfo:
    id: int
    code: str
    name: str
    council_id: int


class DepotDirectory:
    """Bounded map of depot code to depot details, refreshed from the database."""

    def __init__(self, maxsize: int = 256) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[str, DepotInfo] = OrderedDict()  # ok: SCL001

    async def reload(self) -> None:
        rows = await Depot.all().order_by("code").values("id", "code", "name", "council_id")
        fresh: OrderedDict[str, DepotInfo] = OrderedDict()
        for row in rows[: self._maxsize]:
            fresh[row["code"]] = DepotInfo(**row)
        self._entries = fresh
        logger.debug("depot directory loaded with %d depots", len(fresh))

    def get(self, code: str) -> DepotInfo | None:
        info = self._entries.get(code)
        if info is not None:
            self._entries.move_to_end(code)
        return info

    def put(self, info: DepotInfo) -> None:
        self._entries[info.code] = info
        self._entries.move_to_end(info.code)
        while len(self._entries) > self._maxsize:
            self._entries.popitem(last=False)  # ok: RES002


async def council_rates(redis: aioredis.Redis, council_id: int) -> dict[str, Decimal]:
    """Return the per-km and per-tonne rates of a council, cached in redis for ten minutes."""
    key = f"council-rates:{council_id}"
    cached = await redis.get(key)
    if cached:
        raw = json.loads(cached)
        return {name: Decimal(value) for name, value in raw.items()}

    council = await Council.get(id=council_id)
    rates = {"per_km": council.rate_per_km, "per_tonne": council.rate_per_tonne}
    await redis.set(key, json.dumps({k: str(v) for k, v in rates.items()}), ex=RATE_TTL_SECONDS)
    return rates
