"""Thin client for the SMS gateway used for appointment reminders and login codes."""
import logging

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3
READ_TIMEOUT = 10


class SmsGatewayError(Exception):
    pass


def _build_session():
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers.update(
        {"Authorization": f"Bearer {settings.SMS_API_TOKEN}", "Accept": "application/json"}
    )
    return session


_session = _build_session()


def _masked(phone):
    return f"***{phone[-4:]}" if len(phone) >= 4 else "***"


def send_sms(phone, body, client_reference=None):
    """Send one SMS. client_reference lets the gateway drop a repeated request."""
    payload = {"to": phone, "from": settings.SMS_SENDER_ID, "body": body}
    if client_reference:
        payload["client_reference"] = client_reference
    try:
        resp = _session.post(
            f"{settings.SMS_GATEWAY_URL}/v2/messages", json=payload, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
        )
    except requests.RequestException as exc:
        raise SmsGatewayError(f"gateway unreachable: {exc}") from exc
    if resp.status_code >= 400:
        logger.warning("SMS gateway rejected message to %s with status %s", _masked(phone), resp.status_code)
        raise SmsGatewayError(f"gateway returned {resp.status_code}")
    return resp.json()


def message_status(message_id):
    try:
        resp = _session.get(
            f"{settings.SMS_GATEWAY_URL}/v2/messages/{message_id}", timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
        )
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise SmsGatewayError(f"status lookup failed for {message_id}: {exc}") from exc
    return resp.json().get("status", "unknown")
