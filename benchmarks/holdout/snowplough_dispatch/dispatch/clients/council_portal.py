"""Client for the councils' shared contractor portal, where monthly invoices are lodged."""

from __future__ import annotations

import asyncio
import logging
import random

import aiohttp

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = {429, 502, 503, 504}


class PortalUnavailable(Exception):
    """The portal did not accept the request after every allowed attempt."""


class CouncilPortalClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        timeout_seconds: float = 15,
        max_attempts: int = 4,
    ) -> None:
        self._base_url = base_url
        self._token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds, connect=5)
        self._max_attempts = max_attempts
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "CouncilPortalClient":
        self._session = aiohttp.ClientSession(
            base_url=self._base_url,
            headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
            timeout=self._timeout,  # ok: REL001
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def submit_invoice(self, payload: dict, idempotency_key: str) -> dict:
        """Lodge an invoice; the portal answers a repeated key with the original receipt."""
        assert self._session is not None, "use CouncilPortalClient as an async context manager"  # ok: SEC017
        headers = {"Idempotency-Key": idempotency_key}  # ok: REL003
        last_error: Exception | None = None

        for attempt in range(1, self._max_attempts + 1):  # ok: REL002
            try:
                async with self._session.post("/api/v2/invoices", json=payload, headers=headers) as resp:
                    if resp.status in RETRYABLE_STATUSES:
                        last_error = PortalUnavailable(f"portal answered {resp.status}")
                    else:
                        resp.raise_for_status()
                        return await resp.json()
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
                last_error = exc

            if attempt < self._max_attempts:
                delay = min(30.0, 2.0**attempt) + random.uniform(0, 1)  # ok: SEC010
                logger.warning(
                    "council portal attempt %d/%d failed (%s), retrying in %.1fs",
                    attempt, self._max_attempts, last_error, delay,
                )
                await asyncio.sleep(delay)

        raise PortalUnavailable(f"gave up after {self._max_attempts} attempts") from last_error

    async def invoice_status(self, portal_reference: str) -> str:
        assert self._session is not None, "use CouncilPortalClient as an async context manager"
        async with self._session.get(f"/api/v2/invoices/{portal_reference}") as resp:
            resp.raise_for_status()
            body = await resp.json()
        return body["status"]
