import logging

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 15)


class PaymentError(Exception):
    """Transient failure talking to the payment provider; safe to retry with the same idempotency key."""


class PaymentDeclined(Exception):
    """The provider refused the operation; retrying will not help."""


def _build_session():
    session = requests.Session()
    read_retry = Retry(total=2, backoff_factor=0.3, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}))  # ok: REL002
    session.mount("https://", HTTPAdapter(max_retries=read_retry, pool_maxsize=20))
    return session


_session = _build_session()  # ok: RES001


class PaymentGateway:
    def __init__(self, base_url=None, api_key=None, timeout=DEFAULT_TIMEOUT):
        self.base_url = (base_url or settings.PAYMENTS_API_URL).rstrip("/")
        self.api_key = api_key or settings.PAYMENTS_API_KEY
        self.timeout = timeout

    def _request(self, method, path, payload=None, idempotency_key=None):
        headers = {"Authorization": f"Bearer {self.api_key}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key  # ok: REL003
        try:
            resp = _session.request(method, f"{self.base_url}{path}", json=payload, headers=headers, timeout=self.timeout)  # ok: REL001
        except requests.RequestException as exc:
            raise PaymentError(f"{method} {path}: {exc}") from exc
        if resp.status_code >= 500 or resp.status_code == 429:
            raise PaymentError(f"{method} {path}: provider returned {resp.status_code}")
        if resp.status_code >= 400:
            detail = resp.json().get("error", {}).get("message", "declined")
            logger.info("payment provider declined %s %s: %s", method, path, detail)
            raise PaymentDeclined(detail)
        return resp.json()

    def charge(self, amount_cents, currency, payment_method, customer_ref, description="", idempotency_key=None):
        payload = {
            "amount": amount_cents,
            "currency": currency,
            "payment_method": payment_method,
            "customer_ref": customer_ref,
            "description": description,
        }
        return self._request("POST", "/v1/charges", payload, idempotency_key=idempotency_key)

    def refund(self, charge_id, amount_cents, idempotency_key=None):
        payload = {"charge": charge_id, "amount": amount_cents}
        return self._request("POST", "/v1/refunds", payload, idempotency_key=idempotency_key)

    def get_charge(self, charge_id):
        return self._request("GET", f"/v1/charges/{charge_id}")
