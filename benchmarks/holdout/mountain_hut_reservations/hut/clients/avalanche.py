"""Avalanche bulletin lookup for the guide portal (EAWS CAAML JSON)."""
import datetime
import logging
import pickle
from dataclasses import dataclass, field

import aiohttp
import redis.asyncio as aioredis

logger = logging.getLogger(__name__)

DANGER_LEVELS = {"low": 1, "moderate": 2, "considerable": 3, "high": 4, "very_high": 5}
CACHE_SECONDS = 15 * 60


@dataclass
class Bulletin:
    region: str
    danger_level: int
    danger_label: str
    problems: list[str] = field(default_factory=list)
    valid_until: datetime.datetime | None = None


def parse_bulletin(region: str, payload: dict) -> Bulletin | None:
    for item in payload.get("bulletins", []):
        regions = {r.get("regionID") for r in item.get("regions", [])}
        if region not in regions:
            continue
        ratings = item.get("dangerRatings") or [{"mainValue": "low"}]
        worst = max(ratings, key=lambda r: DANGER_LEVELS.get(r.get("mainValue"), 0))
        valid_end = (item.get("validTime") or {}).get("endTime")
        return Bulletin(
            region=region,
            danger_level=DANGER_LEVELS.get(worst.get("mainValue"), 0),
            danger_label=worst.get("mainValue", "unknown"),
            problems=[p.get("problemType", "") for p in item.get("avalancheProblems", [])],
            valid_until=datetime.datetime.fromisoformat(valid_end) if valid_end else None,
        )
    return None


class BulletinClient:
    def __init__(self, base_url: str, redis_url: str):
        self.base_url = base_url.rstrip("/")
        self._cache = aioredis.from_url(redis_url, socket_timeout=2)

    async def for_region(self, region: str) -> Bulletin | None:
        key = f"bulletin-obj:{region}"
        cached = await self._cache.get(key)  # todo-expect: ERR003
        if cached:
            return pickle.loads(cached)  # expect: SEC004

        day = datetime.date.today().isoformat()
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))  # expect: RES001
        response = await session.get(f"{self.base_url}/{day}/{region}_CAAMLv6.json")
        if response.status != 200:
            print(f"bulletin fetch failed region={region} status={response.status}")  # expect: OBS001
            return None
        payload = await response.json(content_type=None)
        await session.close()

        bulletin = parse_bulletin(region, payload)
        if bulletin is not None:
            await self._cache.set(key, pickle.dumps(bulletin), ex=CACHE_SECONDS)
        return bulletin

    async def close(self) -> None:
        await self._cache.aclose()
