"""Client for the PayBridge payment provider: capture and void card holds."""
import logging
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    """Base class for provider errors."""


class PaymentDeclined(PaymentError):
    """The provider refused the operation (insufficient funds, expired hold)."""


class PaymentUnavailable(PaymentError):
    """The provider could not be reached or answered with a server error."""


@dataclass(frozen=True)
class Capture:
    id: str
    status: str
    amount_minor: int


class PaymentClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0, max_attempts: int = 3):
        self._client = httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=3.0),  # ok: REL001
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        )
        self._max_attempts = max_attempts

    def __enter__(self) -> "PaymentClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def capture(self, hold_id: str, amount_minor: int, currency: str, idempotency_key: str) -> Capture:
        body = {"hold": hold_id, "amount": amount_minor, "currency": currency}
        data = self._post("/captures", body, idempotency_key)
        logger.info("captured hold %s as %s", hold_id, data["id"])
        return Capture(id=data["id"], status=data["status"], amount_minor=data["amount"])

    def void(self, hold_id: str, idempotency_key: str) -> None:
        self._post(f"/holds/{hold_id}/void", {}, idempotency_key)
        logger.info("voided hold %s", hold_id)

    def _post(self, path: str, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        retrying = Retrying(
            stop=stop_after_attempt(self._max_attempts),  # ok: REL002
            wait=wait_exponential_jitter(initial=0.5, max=8.0),
            retry=retry_if_exception_type((httpx.TransportError, PaymentUnavailable)),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                try:
                    response = self._client.post(
                        path, json=body, headers={"Idempotency-Key": idempotency_key}  # ok: REL003
                    )
                except httpx.TransportError:
                    logger.warning("payment provider unreachable on %s", path, exc_info=True)
                    raise
                if response.status_code == 429 or response.status_code >= 500:
                    raise PaymentUnavailable(f"{path} answered {response.status_code}")
                if response.status_code in (402, 409, 422):
                    detail = response.json().get("message", "declined")
                    raise PaymentDeclined(detail)
                response.raise_for_status()
                return response.json()
        raise PaymentUnavailable(f"{path} failed after {self._max_attempts} attempts")
