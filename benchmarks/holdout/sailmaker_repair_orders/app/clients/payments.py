"""Client for the card payments provider used for repair deposits."""
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

import httpx

from ..config import get_settings

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300


class PaymentDeclined(Exception):
    """The card issuer declined the charge."""


class PaymentProviderError(Exception):
    """The provider failed in a way that may succeed on retry."""


@dataclass(frozen=True)
class Charge:
    id: str
    status: str
    amount_pence: int


class PaymentsClient:
    def __init__(self, base_url: str | None = None, secret_key: str | None = None):
        settings = get_settings()
        self._client = httpx.Client(
            base_url=base_url or str(settings.payments_base_url),
            auth=(secret_key or settings.payments_secret_key.get_secret_value(), ""),
            timeout=httpx.Timeout(15.0, connect=3.0),
        )

    def close(self) -> None:
        self._client.close()

    def charge_saved_card(
        self,
        *,
        customer_ref: str,
        amount_pence: int,
        description: str,
        idempotency_key: str | None = None,
    ) -> Charge:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        try:
            response = self._client.post(
                "/v2/charges",
                json={
                    "customer": customer_ref,
                    "amount": amount_pence,
                    "currency": "GBP",
                    "description": description,
                    "off_session": True,
                },
                headers=headers,
            )
        except httpx.TransportError as exc:
            raise PaymentProviderError("payments provider unreachable") from exc
        if response.status_code == 402:
            raise PaymentDeclined(response.json().get("decline_code", "declined"))
        if response.status_code >= 500 or response.status_code == 429:
            raise PaymentProviderError(f"payments provider status {response.status_code}")
        response.raise_for_status()
        body = response.json()
        return Charge(id=body["id"], status=body["status"], amount_pence=body["amount"])


def verify_webhook(payload: bytes, signature_header: str, secret: str | None = None) -> bool:
    """Check a `t=<ts>,v1=<hex>` signature header against the raw body."""
    secret = secret or get_settings().payments_webhook_secret.get_secret_value()
    try:
        parts = dict(item.split("=", 1) for item in signature_header.split(","))
        timestamp = int(parts["t"])
        signature = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
