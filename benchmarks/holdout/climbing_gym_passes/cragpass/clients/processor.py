"""Async client for the CardVault card processor.

Network errors are retried a bounded number of times; every charge carries the
caller's idempotency key so a retry can never bill twice.
"""
import logging
from functools import lru_cache

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from cragpass.settings import get_settings

logger = logging.getLogger(__name__)


class PaymentDeclined(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class ProcessorUnavailable(Exception):
    """The processor could not be reached; the charge outcome is unknown."""


class ProcessorClient:
    def __init__(self, base_url: str, api_key: str, timeout_s: float):
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(timeout_s, connect=3.0),
        )

    async def charge(self, *, amount_pence: int, card_token: str, customer_id: str,
                     idempotency_key: str, description: str) -> dict:
        payload = {
            "amount": amount_pence,
            "currency": "gbp",
            "customer": customer_id,
            "source": card_token,
            "description": description,
        }
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(3),
                wait=wait_exponential(multiplier=0.5, max=4),
                retry=retry_if_exception_type(httpx.TransportError),
                reraise=True,
            ):
                with attempt:
                    resp = await self._http.post(  # ok: REL003
                        "/v1/charges", json=payload, headers={"Idempotency-Key": idempotency_key}
                    )
        except httpx.TransportError as exc:
            raise ProcessorUnavailable(str(exc)) from exc
        if resp.status_code == 402:
            error = resp.json().get("error", {})
            raise PaymentDeclined(error.get("code", "card_declined"), error.get("message", "Card declined"))
        resp.raise_for_status()
        return resp.json()

    async def aclose(self) -> None:
        await self._http.aclose()


@lru_cache(maxsize=1)
def processor_client() -> ProcessorClient:
    s = get_settings()
    return ProcessorClient(s.processor_base_url, s.processor_api_key.get_secret_value(), s.processor_timeout_s)


async def get_processor() -> ProcessorClient:
    """FastAPI dependency returning the shared client."""
    return processor_client()
