"""Client for the card payments provider that takes the staged bell payments."""

import logging
import os
from dataclasses import dataclass

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 20)


class PaymentError(Exception):
    pass


class PaymentDeclined(PaymentError):
    pass


@dataclass(frozen=True)
class Charge:
    id: str
    amount_pence: int
    status: str


class PaymentsClient:
    def __init__(self, base_url: str, api_key: str, timeout=DEFAULT_TIMEOUT):
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        retry = Retry(  # ok: REL002
            total=3,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
        )
        self._session.mount("https://", HTTPAdapter(max_retries=retry))
        self._session.headers.update({"Authorization": f"Bearer {api_key}"})

    @classmethod
    def from_env(cls) -> "PaymentsClient":
        """Used by RQ workers, which have no Flask app."""
        return cls(
            os.environ.get("PAYMENTS_API_URL", "https://api.bellpay.example/v2"),
            os.environ.get("PAYMENTS_API_KEY", ""),
        )

    def close(self) -> None:
        self._session.close()

    def charge(self, *, customer_ref: str, amount_pence: int, description: str, idempotency_key: str) -> Charge:
        resp = self._session.post(
            f"{self._base_url}/charges",
            json={"customer": customer_ref, "amount": amount_pence, "currency": "gbp", "description": description},
            headers={"Idempotency-Key": idempotency_key},
            timeout=self._timeout,
        )
        if resp.status_code == 402:
            raise PaymentDeclined(resp.json().get("decline_code", "declined"))
        if resp.status_code >= 400:
            raise PaymentError(f"charge failed with HTTP {resp.status_code}")
        body = resp.json()
        logger.info("charge created", extra={"charge_id": body["id"], "amount_pence": amount_pence})
        return Charge(id=body["id"], amount_pence=body["amount"], status=body["status"])

    def refund(self, charge_id: str, amount_pence: int, reason: str) -> str:
        resp = self._session.post(
            f"{self._base_url}/charges/{charge_id}/refunds",
            json={"amount": amount_pence, "reason": reason},
            headers={"Idempotency-Key": f"refund-{charge_id}-{amount_pence}"},
            timeout=self._timeout,
        )
        if resp.status_code >= 400:
            raise PaymentError(f"refund failed with HTTP {resp.status_code}")
        return resp.json()["id"]

    def get_charge(self, charge_id: str) -> Charge:
        resp = self._session.get(f"{self._base_url}/charges/{charge_id}", timeout=self._timeout)
        if resp.status_code >= 400:
            raise PaymentError(f"charge lookup failed with HTTP {resp.status_code}")
        body = resp.json()
        return Charge(id=body["id"], amount_pence=body["amount"], status=body["status"])


def payments_client() -> PaymentsClient:
    """The client built once in create_app."""
    return current_app.extensions["payments_client"]
