"""Postcode lookups used to place site visits in the right council district."""
from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import httpx

from arborist.settings import get_settings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
CACHE_SIZE = 2048


class PostcodeLookupError(Exception):
    """The lookup service could not answer; callers may carry on without it."""


@dataclass(frozen=True)
class PostcodeInfo:
    postcode: str
    admin_district: str | None
    latitude: float | None
    longitude: float | None


class PostcodeClient:
    def __init__(self, base_url: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(5.0, connect=2.0),
            headers={"Accept": "application/json"},
        )
        self._cache: OrderedDict[str, PostcodeInfo] = OrderedDict()

    def _remember(self, key: str, info: PostcodeInfo) -> None:
        self._cache[key] = info
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:  # ok: RES002
            self._cache.popitem(last=False)

    async def lookup(self, postcode: str) -> PostcodeInfo:
        key = postcode.replace(" ", "").upper()
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]

        last_error: Exception | None = None
        for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
            try:
                response = await self._client.get(f"/postcodes/{key}")
            except httpx.TransportError as exc:
                last_error = exc
            else:
                if response.status_code == 404:
                    logger.warning("unknown postcode %s", key)
                    raise PostcodeLookupError(f"unknown postcode {key}")
                if response.status_code < 500:
                    response.raise_for_status()
                    result = response.json()["result"]
                    info = PostcodeInfo(
                        postcode=result["postcode"],
                        admin_district=result.get("admin_district"),
                        latitude=result.get("latitude"),
                        longitude=result.get("longitude"),
                    )
                    self._remember(key, info)
                    return info
                last_error = httpx.HTTPStatusError(
                    f"status {response.status_code}", request=response.request, response=response
                )
            if attempt < MAX_ATTEMPTS:
                await asyncio.sleep(0.25 * 2 ** attempt + random.uniform(0, 0.2))  # ok: SEC010
        logger.warning("postcode service unavailable for %s after %d attempts", key, MAX_ATTEMPTS)
        raise PostcodeLookupError(str(last_error))

    async def aclose(self) -> None:
        await self._client.aclose()


@lru_cache(maxsize=1)
def get_postcode_client() -> PostcodeClient:
    return PostcodeClient(get_settings().postcode_api_url)
