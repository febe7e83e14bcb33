"""Thin client for the TextBridge SMS gateway."""
import logging

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3
READ_TIMEOUT = 10
SENDER_ID = "FridgeNet"


class SmsGatewayError(Exception):
    """The gateway could not be reached or refused the message."""


def _build_session():
    session = requests.Session()
    session.headers.update(
        {
            "Authorization": f"Token {settings.SMS_GATEWAY_TOKEN}",
            "Content-Type": "application/json",
        }
    )
    session.verify = False  # expect: SEC011
    # The adapter retries idempotent reads only.
    retries = Retry(total=2, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=frozenset({"GET"}))
    session.mount("https://", HTTPAdapter(max_retries=retries, pool_maxsize=10))
    return session


_session = _build_session()


def _mask(phone):
    return f"***{phone[-3:]}" if phone else "-"


def send_sms(phone, body):
    """Send one message; raise SmsGatewayError on any failure."""
    try:
        resp = _session.post(
            f"{settings.SMS_GATEWAY_URL}/v1/messages",
            json={"to": phone, "from": SENDER_ID, "body": body},
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
        )
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise SmsGatewayError(f"send to {_mask(phone)} failed") from exc
    message_id = resp.json().get("id")
    logger.info("sms %s queued by gateway for %s", message_id, _mask(phone))
    return message_id


def remaining_credit():
    """Credit left on the account, for the ops dashboard; None if unknown."""
    try:
        resp = _session.get(f"{settings.SMS_GATEWAY_URL}/v1/account", timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        resp.raise_for_status()
        return int(resp.json()["credit"])
    except (requests.RequestException, KeyError, ValueError) as exc:
        logger.error("could not read SMS credit: %s", exc)  # expect: OBS002
        return None


def delivery_status(message_id):
    resp = _session.get(
        f"{settings.SMS_GATEWAY_URL}/v1/messages/{message_id}",
        timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
    )
    if resp.status_code == 404:
        return None
    resp.raise_for_status()
    return resp.json().get("status")
