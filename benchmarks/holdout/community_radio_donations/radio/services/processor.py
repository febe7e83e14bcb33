"""Async client for the card processor (tokenisation, customers, charges)."""
import logging
import uuid
from dataclasses import dataclass

import httpx
from fastapi import Request
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

logger = logging.getLogger(__name__)


class ProcessorUnavailable(Exception):
    """The processor returned 5xx or could not be reached."""


class CardDeclined(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class ChargeResult:
    charge_id: str
    amount_cents: int
    status: str


class ProcessorClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0):
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": "kxrd-donations/2"},
            timeout=httpx.Timeout(timeout, connect=3.0),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    @retry(  # ok: REL002
        stop=stop_after_attempt(3),
        wait=wait_exponential_jitter(initial=0.5, max=4),
        retry=retry_if_exception_type(ProcessorUnavailable),
        reraise=True,
    )
    async def _post(self, path: str, payload: dict, idempotency_key: str) -> dict:
        try:
            resp = await self._client.post(path, json=payload, headers={"Idempotency-Key": idempotency_key})  # ok: REL003
        except httpx.TransportError as exc:
            raise ProcessorUnavailable(str(exc)) from exc
        if resp.status_code >= 500:
            raise ProcessorUnavailable(f"{path} returned {resp.status_code}")
        if resp.status_code == 402:
            raise CardDeclined(resp.json().get("decline_code", "declined"))
        resp.raise_for_status()
        return resp.json()

    async def tokenize_card(self, number: str, exp_month: int, exp_year: int, cvc: str) -> tuple[str, str]:
        body = await self._post(
            "/tokens",
            {"card": {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}},
            idempotency_key=str(uuid.uuid4()),  # ok: REL003
        )
        return body["id"], body["card"]["last4"]

    async def ensure_customer(self, donor_id: int, email: str, name: str) -> str:
        body = await self._post(
            "/customers",
            {"email": email, "name": name, "metadata": {"donor_id": donor_id}},
            idempotency_key=f"donor-{donor_id}",
        )
        return body["id"]

    async def charge(self, customer_id: str, card_token: str, amount_cents: int,
                     idempotency_key: str, description: str) -> ChargeResult:
        body = await self._post(
            "/charges",
            {"customer": customer_id, "source": card_token, "amount": amount_cents,
             "currency": "usd", "description": description},
            idempotency_key=idempotency_key,
        )
        return ChargeResult(body["id"], body["amount"], body["status"])


def get_processor(request: Request) -> ProcessorClient:
    return request.app.state.processor
