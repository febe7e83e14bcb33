"""Client for the SMS provider used for pickup notices and reminders."""
import logging
from functools import lru_cache

import requests
from django.conf import settings

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """Temporary failure; the caller may retry."""


class SmsRejected(Exception):
    """The provider refused the message (bad number, opted out); do not retry."""


class SmsClient:
    def __init__(self, url: str, api_key: str, sender: str, timeout: tuple[float, float] = (3.05, 10.0)):
        self._url = url
        self._sender = sender
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {api_key}", "User-Agent": "heelandsole/1.0"})

    def send(self, to: str, body: str, *, dedupe_key: str | None = None) -> str:
        """Send one text; returns the provider's message id."""
        headers = {"Idempotency-Key": dedupe_key} if dedupe_key else {}
        try:
            resp = self._session.post(
                self._url,
                json={"from": self._sender, "to": to, "body": body[:459]},
                headers=headers,
                timeout=self._timeout,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise SmsError(f"provider unreachable: {exc}") from exc

        if resp.status_code in (400, 403, 422):
            detail = resp.json().get("message", resp.text[:200])
            logger.warning("SMS to ...%s rejected: %s", to[-4:], detail)
            raise SmsRejected(detail)
        if resp.status_code == 429 or resp.status_code >= 500:
            raise SmsError(f"provider returned {resp.status_code}")
        resp.raise_for_status()
        message_id = resp.json()["id"]
        logger.info("SMS %s queued to ...%s", message_id, to[-4:])
        return message_id

    def close(self) -> None:
        self._session.close()


@lru_cache(maxsize=1)
def get_client() -> SmsClient:
    """One client (and connection pool) per worker process."""
    return SmsClient(settings.SMS_API_URL, settings.SMS_API_KEY, settings.SMS_SENDER)


def pickup_text(customer_name: str, claim_number: str, item: str) -> str:
    first = customer_name.split()[0] if customer_name else "there"
    return (
        f"Hi {first}, your {item} (claim #{claim_number}) is ready for pickup at Heel & Sole. "
        "Open Tue-Sat 9-6. Reply STOP to opt out."
    )
