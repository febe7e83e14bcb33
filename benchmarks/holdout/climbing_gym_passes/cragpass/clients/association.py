"""Async client for the national climbing association's member registry.

Lookups are cached for an hour in a bounded TTL cache; when the registry is
unreachable callers get AssociationUnavailable and can ask the climber to take
a belay test at the desk instead.
"""
import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import httpx
from cachetools import TTLCache

from cragpass.settings import get_settings

logger = logging.getLogger(__name__)


class AssociationUnavailable(Exception):
    pass


@dataclass(frozen=True)
class AssociationCard:
    card_number: str
    name: str
    active: bool
    lead_endorsed: bool
    expires_on: date


class AssociationClient:
    def __init__(self, base_url: str, api_key: str):
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(10.0, connect=3.0),
        )
        self._cache: TTLCache = TTLCache(maxsize=4096, ttl=3600)  # ok: RES002

    async def card(self, card_number: str) -> AssociationCard | None:
        key = card_number.strip().upper()
        if key in self._cache:
            return self._cache[key]
        try:
            resp = await self._http.get(f"/members/{key}")
        except httpx.TransportError as exc:
            logger.warning("association registry unreachable: %s", exc)
            raise AssociationUnavailable(key) from exc
        if resp.status_code == 404:
            card = None
        else:
            resp.raise_for_status()
            data = resp.json()
            card = AssociationCard(
                card_number=key,
                name=data.get("name", ""),
                active=data.get("status") == "active",
                lead_endorsed="lead" in data.get("endorsements", []),
                expires_on=date.fromisoformat(data["expires_on"]),
            )
        self._cache[key] = card
        return card

    async def aclose(self) -> None:
        await self._http.aclose()


@lru_cache(maxsize=1)
def association_client() -> AssociationClient:
    s = get_settings()
    return AssociationClient(s.association_base_url, s.association_api_key.get_secret_value())
