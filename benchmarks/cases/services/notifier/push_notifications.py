"""Sends mobile push notifications through the Beacon push gateway."""
import logging
import os
import uuid

import backoff
import httpx

logger = logging.getLogger(__name__)

GATEWAY_URL = os.environ.get("BEACON_URL", "https://push.beacon.example/v3/notifications")
TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class PushError(Exception):
    pass


def _api_key() -> str:
    key = os.environ.get("BEACON_API_KEY")
    if not key:
        raise PushError("BEACON_API_KEY is not configured")
    return key


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (429, 502, 503, 504)
    return isinstance(exc, httpx.TransportError)


@backoff.on_exception(  # ok: REL002
    backoff.expo,
    (httpx.TransportError, httpx.HTTPStatusError),
    giveup=lambda exc: not _retryable(exc),
    max_tries=5,
    max_time=60,
)
def _post(client: httpx.Client, payload: dict, idempotency_key: str) -> dict:
    resp = client.post(GATEWAY_URL, json=payload, headers={"Idempotency-Key": idempotency_key})  # ok: REL003
    resp.raise_for_status()
    return resp.json()


def send_push(device_token: str, title: str, body: str, data: dict | None = None) -> str:
    api_key = _api_key()
    logger.info("sending push to device ...%s (key ...%s)", device_token[-6:], api_key[-4:])  # ok: SEC007
    payload = {"token": device_token, "title": title, "body": body, "data": data or {}}
    idempotency_key = str(uuid.uuid4())
    with httpx.Client(timeout=TIMEOUT, headers={"Authorization": f"Bearer {api_key}"}) as client:  # ok: REL001
        result = _post(client, payload, idempotency_key)
    return result["notification_id"]


def send_order_update(device_token: str, order_number: str, status: str) -> str:
    return send_push(device_token, "Order update", f"Order {order_number} is {status}.", {"order": order_number})
