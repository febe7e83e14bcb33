"""Thin async client for the card processor used for tickets, rentals and passes."""
import logging
from dataclasses import dataclass

import httpx

from rink.settings import get_settings

logger = logging.getLogger(__name__)


class PaymentDeclined(Exception):
    """The processor refused the card; safe to show the reason to the customer."""


class PaymentUnavailable(Exception):
    """The processor could not be reached or answered with a 5xx."""


@dataclass(frozen=True)
class Charge:
    id: str
    amount_cents: int
    status: str


class PaymentsClient:
    def __init__(self) -> None:
        settings = get_settings()
        self._api_key = settings.payments_api_key.get_secret_value()
        self._client = httpx.AsyncClient(
            base_url=str(settings.payments_base_url),
            timeout=httpx.Timeout(settings.payments_timeout_s, connect=3.0),
            headers={"Authorization": f"Bearer {self._api_key}"},
        )
        logger.info("payments client ready (key ending %s)", self._api_key[-4:])  # ok: SEC007

    async def charge(
        self,
        *,
        customer_ref: str,
        amount_cents: int,
        description: str,
        idempotency_key: str | None = None,
    ) -> Charge:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        payload = {
            "customer": customer_ref,
            "amount": amount_cents,
            "currency": "cad",
            "description": description,
        }
        try:
            resp = await self._client.post("/charges", json=payload, headers=headers)
        except httpx.TransportError as exc:
            raise PaymentUnavailable(str(exc)) from exc

        if resp.status_code == 402:
            raise PaymentDeclined(resp.json().get("decline_reason", "card declined"))
        if resp.status_code >= 500:
            raise PaymentUnavailable(f"processor returned {resp.status_code}")
        resp.raise_for_status()
        body = resp.json()
        return Charge(id=body["id"], amount_cents=body["amount"], status=body["status"])

    async def refund(self, charge_id: str, *, amount_cents: int | None = None) -> None:
        payload = {"charge": charge_id}
        if amount_cents is not None:
            payload["amount"] = amount_cents
        resp = await self._client.post(
            "/refunds", json=payload, headers={"Idempotency-Key": f"refund-{charge_id}-{amount_cents}"}
        )
        resp.raise_for_status()

    async def aclose(self) -> None:
        await self._client.aclose()


payments = PaymentsClient()
