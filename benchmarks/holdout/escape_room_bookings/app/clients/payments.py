"""Client for the payments partner: card-on-file and one-off token charges, refunds."""
import logging
from dataclasses import dataclass
from functools import lru_cache

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from app.settings import get_settings

log = logging.getLogger(__name__)


class PaymentDeclined(Exception):
    """The partner refused the charge (card declined, insufficient funds)."""


class PaymentsUnavailable(Exception):
    """The partner could not be reached or answered with a server error."""


@dataclass(frozen=True)
class Charge:
    id: str
    amount_cents: int
    status: str


class PaymentsClient:
    def __init__(self, base_url: str, api_key: str, timeout_seconds: float):
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_seconds, connect=3.0),
            headers={"Authorization": f"Bearer {api_key}"},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    @retry(  # ok: REL003
        retry=retry_if_exception_type(httpx.TransportError),
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.5, max=4),
        reraise=True,
    )
    async def _post(self, path: str, payload: dict, idempotency_key: str) -> dict:
        resp = await self._client.post(path, json=payload, headers={"Idempotency-Key": idempotency_key})
        if resp.status_code == 402:
            raise PaymentDeclined(resp.json().get("message", "payment declined"))
        resp.raise_for_status()
        return resp.json()

    async def charge(self, *, amount_cents: int, currency: str, description: str, idempotency_key: str,
                     customer_ref: str | None = None, source_token: str | None = None) -> Charge:
        if (customer_ref is None) == (source_token is None):
            raise ValueError("pass exactly one of customer_ref or source_token")
        payload = {"amount": amount_cents, "currency": currency, "description": description}
        payload.update({"customer_ref": customer_ref} if customer_ref else {"source": source_token})
        try:
            data = await self._post("/v1/charges", payload, idempotency_key)
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            raise PaymentsUnavailable(f"charge {idempotency_key} failed: {type(exc).__name__}") from exc
        log.info("charge %s created for %s (%s cents)", data["id"], idempotency_key, amount_cents)
        return Charge(id=data["id"], amount_cents=data["amount"], status=data["status"])

    async def refund(self, *, charge_id: str, amount_cents: int, idempotency_key: str) -> str:
        try:
            data = await self._post(f"/v1/charges/{charge_id}/refunds",
                                    {"amount": amount_cents}, idempotency_key)
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            raise PaymentsUnavailable(f"refund {idempotency_key} failed: {type(exc).__name__}") from exc
        return data["id"]


@lru_cache(maxsize=1)
def get_payments_client() -> PaymentsClient:
    settings = get_settings()
    return PaymentsClient(str(settings.payments_base_url),
                          settings.payments_api_key.get_secret_value(),
                          settings.http_timeout_seconds)
