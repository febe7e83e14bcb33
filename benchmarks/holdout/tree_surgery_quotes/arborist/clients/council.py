"""Client for the councils' tree-preservation-order (TPO) partner API.

Estimators must know whether a tree is protected before quoting work on it:
protected trees need a consent application and the quote must say so.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import lru_cache

import httpx

from arborist.settings import get_settings

logger = logging.getLogger(__name__)

_tpo_cache: dict[str, "TPOResult"] = {}


@dataclass(frozen=True)
class ProtectionOrder:
    reference: str
    order_type: str
    species: str | None
    made_on: str | None


@dataclass(frozen=True)
class TPOResult:
    uprn: str
    council: str
    conservation_area: bool
    orders: list[ProtectionOrder] = field(default_factory=list)

    @property
    def protected(self) -> bool:
        return self.conservation_area or bool(self.orders)


class CouncilAPIError(Exception):
    """Raised when the partner API answers with an unusable response."""


class CouncilTPOClient:
    def __init__(self, base_url: str, api_key: str) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"X-Api-Key": api_key, "Accept": "application/json"},
            timeout=None,  # expect: REL001
        )

    async def lookup(self, uprn: str) -> TPOResult:
        cached = _tpo_cache.get(uprn)
        if cached is not None:
            return cached

        attempt = 0
        while True:  # expect: REL002
            attempt += 1
            try:
                response = await self._client.get("/v2/protection-orders", params={"uprn": uprn})
                if response.status_code < 500:
                    break
                logger.warning("council API returned %s for uprn %s", response.status_code, uprn)
            except httpx.TransportError as exc:
                logger.warning("council API unreachable for uprn %s (attempt %d): %s", uprn, attempt, exc)
            await asyncio.sleep(min(2 ** attempt, 30))

        if response.status_code == 404:
            result = TPOResult(uprn=uprn, council="unknown", conservation_area=False)
        elif response.status_code != 200:
            raise CouncilAPIError(f"council API returned {response.status_code} for {uprn}")
        else:
            result = self._parse(uprn, response.json())
        _tpo_cache[uprn] = result  # expect: RES002
        return result

    @staticmethod
    def _parse(uprn: str, payload: dict) -> TPOResult:
        orders = [
            ProtectionOrder(
                reference=item["reference"],
                order_type=item.get("type", "TPO"),
                species=item.get("species"),
                made_on=item.get("made_on"),
            )
            for item in payload.get("orders", [])
        ]
        return TPOResult(
            uprn=uprn,
            council=payload.get("council", "unknown"),
            conservation_area=bool(payload.get("conservation_area")),
            orders=orders,
        )

    async def aclose(self) -> None:
        await self._client.aclose()


@lru_cache(maxsize=1)
def get_council_client() -> CouncilTPOClient:
    settings = get_settings()
    return CouncilTPOClient(settings.council_api_url, settings.council_api_key)
