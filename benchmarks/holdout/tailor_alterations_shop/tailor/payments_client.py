"""Client for the Tillpoint card payments API.

One httpx.Client per process, created lazily and kept on the Flask app so the
connection pool is reused between requests.
"""
import logging

import httpx
from flask import current_app

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class PaymentDeclined(Exception):
    """The provider refused the charge (card declined, insufficient funds...)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class ProviderUnavailable(Exception):
    """The provider answered 5xx; the request may be retried."""


class PaymentsClient:
    def __init__(self, base_url, api_key, currency, timeout=DEFAULT_TIMEOUT):
        self.currency = currency
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        )

    def charge(self, *, amount_cents, customer_ref, description, source, idempotency_key=None):
        headers = {}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        body = {
            "amount": amount_cents,
            "currency": self.currency,
            "customer_reference": customer_ref,
            "description": description,
            "source": source,
        }
        if idempotency_key:
            body["metadata"] = {"idempotency_key": idempotency_key}
        resp = self._http.post("/charges", json=body, headers=headers)
        return self._handle(resp)

    def find_by_idempotency_key(self, idempotency_key):
        resp = self._http.get("/charges", params={"idempotency_key": idempotency_key, "limit": 1})
        data = self._handle(resp)
        items = data.get("items", [])
        return items[0] if items else None

    def close(self):
        self._http.close()

    @staticmethod
    def _handle(resp):
        if resp.status_code >= 500:
            raise ProviderUnavailable(f"tillpoint answered {resp.status_code}")
        if resp.status_code in (402, 422):
            err = resp.json().get("error", {})
            raise PaymentDeclined(err.get("code", "declined"), err.get("message", "card declined"))
        resp.raise_for_status()
        return resp.json()


def get_payments_client():
    client = current_app.extensions.get("tillpoint")
    if client is None:
        cfg = current_app.config
        client = PaymentsClient(cfg["PAYMENTS_BASE_URL"], cfg["PAYMENTS_API_KEY"], cfg["PAYMENTS_CURRENCY"])
        current_app.extensions["tillpoint"] = client  # ok: CON002
        log.info("payments client created for %s", cfg["PAYMENTS_BASE_URL"])
    return client
