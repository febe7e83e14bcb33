"""Client for the SMS gateway's HTTP API."""

import functools
import logging
from typing import Optional

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)


class SmsRejected(Exception):
    """The gateway refused the message (bad number, opted out, ...)."""


def mask_phone(phone: str) -> str:
    return f"***{phone[-4:]}" if len(phone) > 4 else "***"


class SmsClient:
    def __init__(self, base_url: str, token: str, timeout=(3.05, 10)):
        if not token:
            raise ValueError("SMS API token is not configured")
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        retry = Retry(
            total=3,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
        )
        self._session.mount("https://", HTTPAdapter(max_retries=retry))

    def send(self, to: str, body: str, client_ref: Optional[str] = None) -> str:
        """Send one message and return the gateway's message id.

        When client_ref is given the gateway deduplicates on it, so a retried
        call returns the original message instead of sending a second one.
        """
        headers = {"Idempotency-Key": client_ref} if client_ref else {}
        payload = {"to": to, "body": body[:640], "client_ref": client_ref}
        resp = self._session.post(
            f"{self._base_url}/messages", json=payload, headers=headers, timeout=self._timeout
        )
        if resp.status_code in (400, 422):
            raise SmsRejected(resp.json().get("error", "rejected"))
        resp.raise_for_status()
        message_id = resp.json()["id"]
        log.info("sms %s accepted for %s", message_id, mask_phone(to))
        return message_id

    def status(self, message_id: str) -> str:
        resp = self._session.get(f"{self._base_url}/messages/{message_id}", timeout=self._timeout)
        resp.raise_for_status()
        return resp.json()["status"]

    def close(self) -> None:
        self._session.close()


@functools.lru_cache(maxsize=1)
def get_client() -> SmsClient:
    return SmsClient(settings.SMS_API_URL, settings.SMS_API_TOKEN)
