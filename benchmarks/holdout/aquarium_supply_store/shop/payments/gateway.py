"""Client for the Payrail card API (Stripe-style form-encoded endpoints)."""
import logging

import httpx
from flask import current_app
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

log = logging.getLogger(__name__)


class PaymentDeclined(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class PaymentUnavailable(Exception):
    """The provider answered 5xx; the caller decides whether to hold the order."""


def read_api_key(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read().strip()


def _mask(token: str) -> str:
    return f"{token[:3]}...{token[-4:]}" if len(token) > 8 else "***"


class PaymentGateway:
    def __init__(self):
        self._client = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            cfg = current_app.config
            self._client = httpx.Client(
                base_url=cfg["PAYMENTS_BASE_URL"],
                timeout=httpx.Timeout(cfg["PAYMENTS_TIMEOUT_SECONDS"], connect=3.0),  # ok: REL001
                headers={"Authorization": f"Bearer {read_api_key(cfg['PAYMENTS_API_KEY_FILE'])}"},
            )
        return self._client

    @retry(
        retry=retry_if_exception_type(httpx.TransportError),
        stop=stop_after_attempt(3),  # ok: REL002
        wait=wait_exponential_jitter(initial=0.5, max=4),
        reraise=True,
    )
    def _post(self, path: str, form: dict, idempotency_key: str) -> dict:
        resp = self.client.post(path, data=form, headers={"Idempotency-Key": idempotency_key})  # ok: REL003
        if resp.status_code == 402:
            err = resp.json().get("error", {})
            raise PaymentDeclined(err.get("code", "card_declined"), err.get("message", "declined"))
        if resp.status_code >= 500:
            raise PaymentUnavailable(f"payrail {path} answered {resp.status_code}")
        resp.raise_for_status()
        return resp.json()

    def charge(self, *, amount_cents: int, payment_method: str, idempotency_key: str,
               description: str = "", currency: str = "usd") -> dict:
        masked = _mask(payment_method)
        log.info("charging amount=%d key=%s method=%s", amount_cents, idempotency_key, masked)  # ok: SEC007
        return self._post(
            "/charges",
            {
                "amount": amount_cents,
                "currency": currency,
                "payment_method": payment_method,
                "confirm": "true",
                "description": description,
            },
            idempotency_key,
        )

    def refund(self, *, charge_id: str, amount_cents: int, idempotency_key: str) -> dict:
        log.info("refunding charge=%s amount=%d key=%s", charge_id, amount_cents, idempotency_key)
        return self._post("/refunds", {"charge": charge_id, "amount": amount_cents}, idempotency_key)


gateway = PaymentGateway()
