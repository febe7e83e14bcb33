"""Thin client for the PayWise REST API (card charges, refunds, transfers)."""
import logging
import uuid

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    pass


class PaymentDeclined(PaymentError):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class PaymentsClient:
    def __init__(self, base_url, api_key, timeout=(3.05, 15)):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {api_key}", "User-Agent": "lingua-payments/1.4"}
        )
        retry = Retry(
            total=3,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
        )
        self.session.mount("https://", HTTPAdapter(max_retries=retry))  # ok: REL002

    @classmethod
    def from_settings(cls):
        return cls(settings.PAYMENTS_API_BASE, settings.PAYMENTS_API_KEY, timeout=settings.PAYMENTS_TIMEOUT)

    def _post(self, path, payload, idempotency_key):
        try:
            resp = self.session.post(f"{self.base_url}{path}", json=payload, headers={"Idempotency-Key": idempotency_key}, timeout=self.timeout)  # ok: REL001, REL003
        except requests.RequestException as exc:
            logger.warning("payments POST %s failed key=%s: %s", path, idempotency_key, exc)
            raise PaymentError(f"payments provider unreachable: {exc}") from exc
        if resp.status_code == 402:
            raise PaymentDeclined(resp.json().get("decline_reason", "declined"))
        if resp.status_code >= 400:
            logger.error("payments POST %s status=%s key=%s", path, resp.status_code, idempotency_key)
            raise PaymentError(f"payments provider returned {resp.status_code}")
        return resp.json()

    def charge(self, amount_cents, currency, payment_method, description, idempotency_key=None):
        payload = {
            "amount": amount_cents,
            "currency": currency,
            "payment_method": payment_method,
            "description": description,
            "capture": True,
        }
        return self._post("/v1/charges", payload, idempotency_key or str(uuid.uuid4()))

    def refund(self, charge_id, amount_cents, idempotency_key):
        return self._post(f"/v1/charges/{charge_id}/refunds", {"amount": amount_cents}, idempotency_key)

    def create_transfer(self, destination, amount_cents, currency, idempotency_key, memo=""):
        payload = {"destination": destination, "amount": amount_cents, "currency": currency, "memo": memo}
        return self._post("/v1/transfers", payload, idempotency_key)

    def get_charge(self, charge_id):
        resp = self.session.get(f"{self.base_url}/v1/charges/{charge_id}", timeout=self.timeout)  # ok: REL001
        resp.raise_for_status()
        return resp.json()
