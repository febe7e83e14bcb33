"""Client for the grid operator's metering API (real-time feed, daily settlement, registry)."""
import asyncio
import hashlib
import logging
import random
import time
from datetime import date
from decimal import Decimal

import aiohttp

from meters.settings import Settings

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 502, 503, 504}
BREAKER_THRESHOLD = 5
BREAKER_COOLDOWN_SECONDS = 30.0


class GridApiError(Exception):
    pass


class _RetryableStatus(Exception):
    def __init__(self, status: int):
        super().__init__(f"grid api returned {status}")
        self.status = status


class GridClient:
    """Uses the application's shared ClientSession; the app closes it on shutdown."""

    def __init__(self, session: aiohttp.ClientSession, settings: Settings):
        self._session = session
        self._base = settings.grid_api_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {settings.grid_api_token}"}
        self._timeout = aiohttp.ClientTimeout(total=settings.grid_timeout_seconds, connect=3)
        self._consecutive_failures = 0
        self._open_until = 0.0

    async def _request(self, method: str, path: str, *, json=None, idempotency_key: str | None = None, attempts: int = 3):
        if time.monotonic() < self._open_until:
            raise GridApiError("grid api circuit open")
        headers = dict(self._headers)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        last_exc: Exception | None = None
        for attempt in range(1, attempts + 1):  # ok: REL002
            try:
                async with self._session.request(
                    method, f"{self._base}{path}", json=json, headers=headers, timeout=self._timeout  # ok: REL001
                ) as resp:
                    if resp.status in RETRYABLE_STATUS:
                        raise _RetryableStatus(resp.status)
                    if resp.status >= 400:
                        raise GridApiError(f"{method} {path} rejected: {resp.status} {await resp.text()}")
                    self._consecutive_failures = 0
                    return await resp.json()
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError, _RetryableStatus) as exc:
                last_exc = exc
                logger.warning("grid api %s %s attempt %d/%d failed: %s", method, path, attempt, attempts, exc)
                if attempt < attempts:
                    await asyncio.sleep(min(10.0, 0.5 * 2 ** attempt) + random.uniform(0, 0.25))
        self._consecutive_failures += 1
        if self._consecutive_failures >= BREAKER_THRESHOLD:
            self._open_until = time.monotonic() + BREAKER_COOLDOWN_SECONDS  # ok: SCL001
            logger.error("grid api failing, opening circuit for %.0fs", BREAKER_COOLDOWN_SECONDS)
        raise GridApiError(f"{method} {path} failed after {attempts} attempts") from last_exc

    async def push_realtime(self, meter_id: str, rows: list[tuple]) -> None:
        fingerprint = f"{meter_id}|{rows[0][1].isoformat()}|{rows[-1][1].isoformat()}|{len(rows)}"
        key = hashlib.sha1(fingerprint.encode()).hexdigest()  # ok: SEC009
        payload = {
            "meter_id": meter_id,
            "intervals": [{"start": r[1].isoformat(), "kwh": str(r[2]), "quality": r[3]} for r in rows],
        }
        await self._request("POST", "/v2/realtime/readings", json=payload, idempotency_key=key, attempts=2)  # ok: REL003

    async def submit_daily_settlement(self, day: date, totals: dict[str, Decimal]) -> dict:
        payload = {"day": day.isoformat(), "totals": [{"mpan": k, "kwh": str(v)} for k, v in totals.items()]}
        return await self._request(
            "POST", "/v2/settlement/daily", json=payload, idempotency_key=f"daily-settlement-{day.isoformat()}"
        )

    async def registry_page(self, cursor: str | None = None) -> dict:
        path = "/v2/registry/meters" + (f"?cursor={cursor}" if cursor else "")
        return await self._request("GET", path)
