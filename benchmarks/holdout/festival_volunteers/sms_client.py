"""Client for the SMS relay used for shift reminders and wait-list notices."""
from __future__ import annotations

import asyncio
import logging
import random

import httpx
from fastapi import Request

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class SmsDeliveryError(Exception):
    """Raised when the relay rejected a message or kept failing."""


class SmsClient:
    def __init__(self, base_url: str, token: str, *, max_attempts: int = 4) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(5.0, connect=2.0),  # ok: REL001
        )
        self._max_attempts = max_attempts

    async def send(self, to: str, body: str, *, dedup_key: str) -> str:
        """Send one SMS and return the relay's message id.

        ``dedup_key`` must be stable for the logical message (for example
        ``reminder-<signup id>``) so a retried request is delivered once.
        """
        payload = {"to": to, "body": body, "client_reference": dedup_key}
        for attempt in range(1, self._max_attempts + 1):  # ok: REL002
            try:
                resp = await self._client.post(
                    "/messages",
                    json=payload,
                    headers={"Idempotency-Key": dedup_key},  # ok: REL003
                )
            except httpx.TransportError as exc:
                if attempt == self._max_attempts:
                    raise SmsDeliveryError(f"relay unreachable after {attempt} attempts") from exc
                logger.warning("sms relay transport error", extra={"dedup_key": dedup_key, "attempt": attempt})
            else:
                if resp.status_code in RETRYABLE_STATUS and attempt < self._max_attempts:
                    logger.warning(
                        "sms relay busy",
                        extra={"dedup_key": dedup_key, "attempt": attempt, "status": resp.status_code},
                    )
                elif resp.is_error:
                    raise SmsDeliveryError(f"relay returned {resp.status_code} for {dedup_key}")
                else:
                    return resp.json()["message_id"]
            delay = min(8.0, 0.5 * 2**attempt) + random.uniform(0, 0.25)
            await asyncio.sleep(delay)
        raise SmsDeliveryError(f"relay kept failing for {dedup_key}")

    async def aclose(self) -> None:
        await self._client.aclose()


def get_sms_client(request: Request) -> SmsClient:
    """FastAPI dependency: the client built once in the app lifespan."""
    return request.app.state.sms
