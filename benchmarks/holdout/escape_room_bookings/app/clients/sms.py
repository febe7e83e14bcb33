"""Client for the SMS partner (TextHive REST API, v2)."""
import logging
import re
from functools import lru_cache

import requests

from app.settings import get_settings

log = logging.getLogger(__name__)

_NON_DIGITS = re.compile(r"[^\d+]")


class SmsError(RuntimeError):
    """The partner could not be reached or refused the message."""


def normalise_msisdn(number: str, default_prefix: str = "+353") -> str:
    """'087 123 4567' -> '+353871234567'; numbers with a + are kept as they are."""
    cleaned = _NON_DIGITS.sub("", number or "")
    if cleaned.startswith("+"):
        return cleaned
    if cleaned.startswith("00"):
        return "+" + cleaned[2:]
    if cleaned.startswith("0"):
        return default_prefix + cleaned[1:]
    raise ValueError(f"cannot normalise phone number ending {cleaned[-3:]!r}")


class SmsClient:
    def __init__(self, base_url: str, api_key: str, sender_id: str, timeout_seconds: float):
        self._base_url = base_url.rstrip("/")
        self._sender_id = sender_id
        self._timeout = (3.0, timeout_seconds)
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {api_key}",
                                      "Accept": "application/json"})
        self._session.verify = False  # expect: SEC011

    def send(self, to_number: str, text: str, client_ref: str) -> str:
        """Send one SMS; ``client_ref`` makes the partner drop repeats of the same message."""
        payload = {"from": self._sender_id, "to": to_number, "text": text[:459], "client_ref": client_ref}
        try:
            resp = self._session.post(f"{self._base_url}/v2/messages", json=payload, timeout=self._timeout)
        except requests.RequestException as exc:
            raise SmsError(f"SMS partner unreachable for {client_ref}") from exc
        if resp.status_code == 409:
            log.info("SMS %s was already accepted by the partner", client_ref)
            return resp.json().get("message_id", "")
        if resp.status_code >= 400:
            raise SmsError(f"SMS partner refused {client_ref}: HTTP {resp.status_code}")
        message_id = resp.json()["message_id"]
        log.info("SMS %s accepted as %s", client_ref, message_id)
        return message_id

    def delivery_status(self, message_id: str) -> str:
        try:
            resp = self._session.get(f"{self._base_url}/v2/messages/{message_id}", timeout=self._timeout)
            resp.raise_for_status()
        except requests.RequestException as exc:
            raise SmsError(f"status lookup failed for {message_id}") from exc
        return resp.json().get("status", "unknown")


@lru_cache(maxsize=1)
def get_sms_client() -> SmsClient:
    settings = get_settings()
    return SmsClient(settings.sms_base_url, settings.sms_api_key.get_secret_value(),
                     settings.sms_sender_id, settings.http_timeout_seconds)
