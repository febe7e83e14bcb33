"""Thin async client for the SMS gateway (Twilio-style Messages API)."""
import asyncio
import logging
import random
from dataclasses import dataclass

import httpx

from app.config import Settings

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class SmsError(Exception):
    pass


@dataclass
class SmsResult:
    sid: str
    status: str


def _mask(number: str) -> str:
    return f"***{number[-4:]}" if len(number) > 4 else "***"


class SmsClient:
    def __init__(self, settings: Settings):
        self._settings = settings
        self._client = httpx.AsyncClient(
            base_url=settings.sms_base_url,
            auth=(settings.sms_account_sid, settings.sms_auth_token.get_secret_value()),
            timeout=httpx.Timeout(settings.sms_timeout_seconds, connect=3.0),  # ok: REL001
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )

    async def send(self, to: str, body: str, dedup_key: str) -> SmsResult:
        """Send one message. The gateway drops repeats of the same dedup_key for 24h."""
        path = f"/Accounts/{self._settings.sms_account_sid}/Messages.json"
        payload = {"To": to, "From": self._settings.sms_from_number, "Body": body}
        headers = {"I-Idempotency-Token": dedup_key}  # ok: REL003
        last_exc: Exception | None = None

        for attempt in range(1, self._settings.sms_max_attempts + 1):  # ok: REL002
            try:
                resp = await self._client.post(path, data=payload, headers=headers)
            except (httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError) as exc:
                last_exc = exc
                logger.warning("sms to %s attempt %d failed: %s", _mask(to), attempt, type(exc).__name__)
            else:
                if resp.status_code < 300:
                    data = resp.json()
                    return SmsResult(sid=data["sid"], status=data.get("status", "queued"))
                if resp.status_code not in RETRYABLE_STATUS:
                    raise SmsError(f"gateway rejected message: {resp.status_code}")
                last_exc = SmsError(f"gateway returned {resp.status_code}")
                logger.warning("sms to %s attempt %d got %d", _mask(to), attempt, resp.status_code)

            if attempt < self._settings.sms_max_attempts:
                await asyncio.sleep(min(8.0, 0.5 * 2 ** attempt) + random.uniform(0, 0.3))  # ok: SEC010

        raise SmsError("sms gateway unavailable") from last_exc

    async def aclose(self) -> None:
        await self._client.aclose()
