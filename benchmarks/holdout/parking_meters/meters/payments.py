import logging
import os

import requests
from requests.adapters import HTTPAdapter
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

logger = logging.getLogger(__name__)

PAYMENTS_API_URL = os.environ.get("PAYMENTS_API_URL", "https://pay.citypay.example/v2")
PAYMENTS_API_TOKEN = os.environ.get("PAYMENTS_API_TOKEN", "")
TIMEOUT = (3.05, 15)

_session = requests.Session()
_session.headers.update({"Authorization": f"Bearer {PAYMENTS_API_TOKEN}"})
_session.mount("https://", HTTPAdapter(pool_connections=4, pool_maxsize=20))


class PaymentDeclined(Exception):
    pass


class PaymentUnavailable(Exception):
    pass


@retry(
    retry=retry_if_exception_type((requests.ConnectionError, requests.Timeout)),
    stop=stop_after_attempt(3),  # ok: REL002
    wait=wait_exponential(multiplier=0.3, max=3),
    reraise=True,
)
def _post(path: str, body: dict, idempotency_key: str) -> requests.Response:
    return _session.post(
        f"{PAYMENTS_API_URL}{path}",
        json=body,
        headers={"Idempotency-Key": idempotency_key},  # ok: REL003
        timeout=TIMEOUT,
    )


def _call(path: str, body: dict, idempotency_key: str) -> dict:
    try:
        resp = _post(path, body, idempotency_key)
    except (requests.ConnectionError, requests.Timeout) as exc:
        logger.warning("payment provider unreachable path=%s key=%s", path, idempotency_key, exc_info=True)
        raise PaymentUnavailable(str(exc)) from exc
    if resp.status_code == 402:
        raise PaymentDeclined(resp.json().get("reason", "declined"))
    if resp.status_code >= 500:
        raise PaymentUnavailable(f"provider status {resp.status_code}")
    resp.raise_for_status()
    return resp.json()


def charge(*, wallet_id: str, amount_cents: int, description: str, idempotency_key: str) -> str:
    data = _call(
        "/charges",
        {"wallet": wallet_id, "amount": amount_cents, "currency": "USD", "description": description},
        idempotency_key,
    )
    logger.info("charged wallet=%s amount=%d charge=%s", wallet_id, amount_cents, data["charge_id"])
    return data["charge_id"]


def refund(*, charge_id: str, amount_cents: int, idempotency_key: str) -> str:
    data = _call("/refunds", {"charge": charge_id, "amount": amount_cents}, idempotency_key)
    logger.info("refunded charge=%s amount=%d refund=%s", charge_id, amount_cents, data["refund_id"])
    return data["refund_id"]
