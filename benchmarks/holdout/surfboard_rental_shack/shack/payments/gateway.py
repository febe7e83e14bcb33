"""Client for the card terminal provider's holds API (authorise, capture, release)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

TIMEOUT = (3.05, 15)


class GatewayError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Hold:
    id: str
    status: str
    amount_pence: int
    card_last4: str


class PaymentGateway:
    def __init__(self, base_url: str, api_key: str, session: requests.Session | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json"})
        reads = Retry(total=2, backoff_factor=0.3, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}))
        self._session.mount("https://", HTTPAdapter(max_retries=reads))

    @classmethod
    def from_config(cls, cfg) -> "PaymentGateway":
        return cls(cfg.payments_base_url, cfg.payments_api_key)

    def _post(self, path: str, body: dict, idempotency_key: str) -> dict:
        response = self._session.post(
            f"{self._base}{path}",
            json=body,
            headers={"Idempotency-Key": idempotency_key},  # ok: REL003
            timeout=TIMEOUT,
        )
        if response.status_code >= 400:
            error = response.json().get("error", {}) if response.content else {}
            raise GatewayError(response.status_code, error.get("code", "unknown"), error.get("message", ""))
        return response.json()

    @staticmethod
    def _hold(data: dict) -> Hold:
        return Hold(id=data["id"], status=data["status"], amount_pence=data["amount"], card_last4=data["card"]["last4"])

    def place_hold(self, *, amount_pence: int, card_token: str, reference: str) -> Hold:
        data = self._post(
            "/v1/holds",
            {"amount": amount_pence, "currency": "GBP", "source": card_token, "reference": reference},
            idempotency_key=f"hold-{reference}",
        )
        hold = self._hold(data)
        logger.info("hold %s placed for %s (card ending %s)", hold.id, reference, hold.card_last4)  # ok: SEC007
        return hold

    def capture(self, hold_id: str, *, amount_pence: int, reference: str) -> Hold:
        data = self._post(
            f"/v1/holds/{hold_id}/capture",
            {"amount": amount_pence},
            idempotency_key=f"capture-{reference}",
        )
        return self._hold(data)

    def release(self, hold_id: str, *, reference: str) -> Hold:
        return self._hold(self._post(f"/v1/holds/{hold_id}/release", {}, idempotency_key=f"release-{reference}"))

    def get_hold(self, hold_id: str) -> Hold:
        response = self._session.get(f"{self._base}/v1/holds/{hold_id}", timeout=TIMEOUT)
        response.raise_for_status()
        return self._hold(response.json())
