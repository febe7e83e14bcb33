"""Async client for the CardVault processor.

One client per process (created in the app lifespan). Every charge carries an
Idempotency-Key; transport failures are retried a bounded number of times with
the same key, so a retry can never charge twice.
"""
import asyncio
import logging
import random
import uuid
from dataclasses import dataclass

import httpx

logger = logging.getLogger(__name__)


class ProcessorUnavailable(Exception):
    """Network failure or 5xx after all attempts; the charge may be retried with the same key."""


class CardDeclined(Exception):
    """The card was declined; retrying will not help."""


@dataclass(frozen=True)
class Charge:
    id: str
    status: str
    amount_cents: int


class CardProcessor:
    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0, max_attempts: int = 3):
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=3.0),
            headers={"Authorization": f"Bearer {api_key}"},
        )
        self.max_attempts = max_attempts

    async def charge(self, card_token: str, amount_cents: int, description: str,
                     idempotency_key: str | None = None) -> Charge:
        key = idempotency_key or uuid.uuid4().hex
        payload = {"source": card_token, "amount": amount_cents, "currency": "usd", "description": description}
        for attempt in range(1, self.max_attempts + 1):
            try:
                resp = await self._client.post("/v1/charges", json=payload, headers={"Idempotency-Key": key})
            except httpx.TransportError:
                resp = None
            if resp is not None and resp.status_code < 500:
                break
            if attempt == self.max_attempts:
                raise ProcessorUnavailable(f"charge {key[:8]} failed after {attempt} attempts")
            delay = min(8.0, 0.5 * 2 ** attempt) + random.uniform(0, 0.25)  # ok: SEC010
            logger.warning("processor attempt %s failed for charge %s, retrying in %.1fs", attempt, key[:8], delay)
            await asyncio.sleep(delay)

        if resp.status_code == 402:
            raise CardDeclined(resp.json().get("decline_message", "card declined"))
        resp.raise_for_status()
        data = resp.json()
        logger.info("charge %s created for %s cents", data["id"], amount_cents)
        return Charge(id=data["id"], status=data["status"], amount_cents=data["amount"])

    async def refund(self, charge_id: str, amount_cents: int) -> str:
        resp = await self._client.post(
            f"/v1/charges/{charge_id}/refunds",
            json={"amount": amount_cents},
            headers={"Idempotency-Key": f"refund-{charge_id}-{amount_cents}"},
        )
        resp.raise_for_status()
        return resp.json()["id"]

    async def aclose(self) -> None:
        await self._client.aclose()
