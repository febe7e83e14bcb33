"""Client for the Paywell card payment partner.

Every write carries an Idempotency-Key chosen by the caller and stored with
the local payment row before the call, so a retry, a crash or a double click
can never charge twice.
"""
import hashlib
import hmac
import logging
import random
import time

import httpx

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BASE_BACKOFF_S = 0.5
RETRYABLE_STATUS = {502, 503, 504}


class PaymentPartnerError(Exception):
    pass


class PaymentPartnerClient:
    def __init__(self, base_url: str, api_key: str, timeout_s: float = 10.0):
        self._client = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(timeout_s, connect=3.0),
        )

    def close(self) -> None:
        self._client.close()

    def _post(self, path: str, body: dict, idempotency_key: str) -> dict:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                resp = self._client.post(path, json=body, headers={"Idempotency-Key": idempotency_key})  # ok: REL003
            except httpx.TransportError:
                if attempt == MAX_ATTEMPTS:
                    raise
                logger.warning("payment partner transport error on %s (attempt %d)", path, attempt)
            else:
                if resp.status_code not in RETRYABLE_STATUS or attempt == MAX_ATTEMPTS:
                    if resp.status_code >= 400:
                        raise PaymentPartnerError(f"{path} -> {resp.status_code}")
                    return resp.json()
                logger.warning("payment partner returned %s on %s (attempt %d)", resp.status_code, path, attempt)
            time.sleep(BASE_BACKOFF_S * 2 ** (attempt - 1) + random.uniform(0, 0.25))  # ok: SEC010
        raise PaymentPartnerError(f"{path}: retries exhausted")

    def create_payment(self, *, amount_pence: int, card_token: str, reference: str, idempotency_key: str) -> dict:
        return self._post(
            "/payments",
            {"amount": amount_pence, "currency": "GBP", "card_token": card_token, "reference": reference},
            idempotency_key,
        )

    def refund(self, *, payment_id: str, amount_pence: int, idempotency_key: str) -> dict:
        return self._post(f"/payments/{payment_id}/refunds", {"amount": amount_pence}, idempotency_key)

    @staticmethod
    def verify_webhook(body: bytes, signature: str, secret: str) -> bool:
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature or "")
