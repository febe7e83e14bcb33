"""HTTP client for the payment provider's transfers API."""

import logging
from typing import Optional

import httpx
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

log = logging.getLogger(__name__)


class PaymentsError(Exception):
    """The provider rejected the request."""


class TransientPaymentsError(Exception):
    """The provider had a temporary failure; the request may be retried."""


_RETRYABLE = (httpx.TransportError, TransientPaymentsError)


class PaymentsClient:
    def __init__(self, base_url: str, api_key: str, timeout: Optional[httpx.Timeout] = None):
        self._client = httpx.Client(
            base_url=base_url,
            timeout=timeout or httpx.Timeout(10.0, connect=3.0),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        )

    def __enter__(self) -> "PaymentsClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    @staticmethod
    def _check(resp: httpx.Response) -> dict:
        if resp.status_code == 429 or resp.status_code >= 500:
            raise TransientPaymentsError(f"provider answered {resp.status_code}")
        if resp.status_code >= 400:
            detail = resp.json().get("error", {}) if resp.headers.get("content-type", "").startswith("application/json") else {}
            raise PaymentsError(f"{resp.status_code}: {detail.get('code', 'unknown')}")
        return resp.json()

    @retry(
        retry=retry_if_exception_type(_RETRYABLE),
        stop=stop_after_attempt(4),
        wait=wait_exponential_jitter(initial=0.5, max=8),
        reraise=True,
    )
    def create_transfer(
        self, *, destination: str, amount_cents: int, currency: str, idempotency_key: str, metadata: Optional[dict] = None
    ) -> dict:
        if not idempotency_key:
            raise ValueError("idempotency_key is required for transfers")
        resp = self._client.post(  # ok: REL003
            "/v1/transfers",
            json={
                "destination": destination,
                "amount": amount_cents,
                "currency": currency.lower(),
                "metadata": metadata or {},
            },
            headers={"Idempotency-Key": idempotency_key},
        )
        body = self._check(resp)
        log.info("transfer %s created for %s (%d %s)", body["id"], destination, amount_cents, currency)
        return body

    @retry(
        retry=retry_if_exception_type(_RETRYABLE),
        stop=stop_after_attempt(3),
        wait=wait_exponential_jitter(initial=0.5, max=4),
        reraise=True,
    )
    def get_transfer(self, transfer_id: str) -> dict:
        return self._check(self._client.get(f"/v1/transfers/{transfer_id}"))
