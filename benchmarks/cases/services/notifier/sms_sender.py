"""Sends SMS one-time codes and delivery alerts through the Textwire gateway."""
import logging
import os
import time

import requests

logger = logging.getLogger(__name__)

GATEWAY_URL = os.environ.get("TEXTWIRE_URL", "https://api.textwire.example/v1/messages")
SENDER_ID = os.environ.get("TEXTWIRE_SENDER", "ACME")
RETRY_DELAY_SECONDS = 2


class SmsError(Exception):
    pass


def _api_key() -> str:
    key = os.environ.get("TEXTWIRE_API_KEY")
    if not key:
        raise SmsError("TEXTWIRE_API_KEY is not configured")
    return key


def send_sms(phone: str, body: str) -> str:
    """Send one message and return the gateway's message id."""
    api_key = _api_key()
    logger.info("sending sms to %s via %s (key=%s)", phone[-4:], GATEWAY_URL, api_key)  # expect: SEC007
    payload = {"to": phone, "from": SENDER_ID, "text": body}
    while True:  # expect: REL002
        try:
            resp = requests.post(  # expect: REL003
                GATEWAY_URL,
                json=payload,
                headers={"Authorization": f"Bearer {api_key}"},
                timeout=10,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            logger.warning("gateway unreachable, retrying in %ss: %s", RETRY_DELAY_SECONDS, exc)
            time.sleep(RETRY_DELAY_SECONDS)
            continue
        if resp.status_code == 429 or resp.status_code >= 500:
            logger.warning("gateway returned %s, retrying", resp.status_code)
            time.sleep(RETRY_DELAY_SECONDS)
            continue
        if resp.status_code >= 400:
            raise SmsError(f"gateway rejected message: {resp.status_code} {resp.text[:200]}")
        return resp.json()["message_id"]


def send_login_code(phone: str, code: str) -> str:
    return send_sms(phone, f"Your Acme code is {code}. It expires in 10 minutes.")


def send_delivery_alert(phone: str, order_number: str, eta: str) -> str:
    return send_sms(phone, f"Order {order_number} is out for delivery, expected {eta}.")
