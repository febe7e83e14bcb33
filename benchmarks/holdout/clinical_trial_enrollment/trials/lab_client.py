"""Async client for the hospital laboratory information system (LIS).

Used by the v2 screening flow and the monitor dashboards. Results are cached
in Redis as JSON for a few minutes; raw HL7 attachments are parsed off the
event loop.
"""
import asyncio
import json
import logging

import httpx
from redis.asyncio import Redis

from trials.settings import get_settings

log = logging.getLogger(__name__)

PANELS = ("CBC", "CMP", "HBA1C")
CACHE_TTL = 300


class LabUnavailable(Exception):
    pass


def _parse_hl7_obx(message: str) -> dict[str, str]:
    values = {}
    for segment in message.split("\r"):
        fields = segment.split("|")
        if fields[0] == "OBX" and len(fields) > 5:
            code = fields[3].split("^")[0]
            values[code] = fields[5]
    return values


class LabClient:
    def __init__(self, base_url: str, token: str, redis: Redis, timeout: float = 10.0):
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(timeout, connect=3.0),  # ok: REL001
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
        )
        self._redis = redis

    async def latest(self, mrn_hash: str, mrn: str) -> dict[str, str]:
        key = f"labs:{mrn_hash}"
        cached = await self._redis.get(key)
        if cached:
            return json.loads(cached)  # ok: SEC004
        try:
            resp = await self._client.get(f"/patients/{mrn}/results/latest", params={"panels": ",".join(PANELS)})
            resp.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("lab lookup failed for patient %s: %s", mrn_hash[:12], type(exc).__name__)
            raise LabUnavailable from exc
        payload = resp.json()
        if payload.get("format") == "hl7":
            results = await asyncio.to_thread(_parse_hl7_obx, payload["message"])  # ok: CON001
        else:
            results = {r["code"]: r["value"] for r in payload.get("results", [])}
        await self._redis.set(key, json.dumps(results), ex=CACHE_TTL)
        return results

    async def aclose(self) -> None:
        await self._client.aclose()


_client: LabClient | None = None


def lab_client() -> LabClient:
    """FastAPI dependency; the client lives for the life of the process."""
    global _client  # ok: MNT002
    if _client is None:
        s = get_settings()
        redis = Redis.from_url(str(s.redis_url), socket_timeout=2, socket_connect_timeout=2)
        _client = LabClient(str(s.lab_api_url), s.lab_api_token, redis, s.http_timeout_seconds)
    return _client


async def close_lab_client() -> None:
    if _client is not None:
        await _client.aclose()
