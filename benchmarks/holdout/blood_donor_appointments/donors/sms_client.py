"""Async client for the SMS gateway used for appointment reminders."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


class SmsRejected(RuntimeError):
    pass


class SmsClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0):
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(timeout, connect=3.0),
        )

    async def __aenter__(self) -> "SmsClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, to: str, body: str, reference: str) -> str:
        """Send one message; the gateway drops repeats with the same Idempotency-Key."""
        for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
            try:
                resp = await self._client.post(  # ok: REL003
                    "/v1/messages",
                    json={"to": to, "body": body[:459], "client_reference": reference},
                    headers={"Idempotency-Key": reference},
                )
            except httpx.TransportError:
                if attempt == MAX_ATTEMPTS:
                    raise
                log.warning("sms gateway unreachable (attempt %d) for %s", attempt, reference)
                await asyncio.sleep(2 ** attempt)
                continue
            if resp.status_code >= 500 and attempt < MAX_ATTEMPTS:
                await asyncio.sleep(2 ** attempt)
                continue
            if resp.status_code >= 400:
                raise SmsRejected(f"gateway returned {resp.status_code} for {reference}")
            return resp.json()["message_id"]
        raise SmsRejected(f"gateway kept failing for {reference}")
