import asyncio
import logging
import os
import random
import uuid

import httpx

logger = logging.getLogger(__name__)

SMS_API_URL = os.environ.get("SMS_API_URL", "https://api.sms-relay.example")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")  # ok: SEC005
SMS_SENDER = os.environ.get("SMS_SENDER", "LockerBox")
MAX_ATTEMPTS = 3

_client = httpx.AsyncClient(
    base_url=SMS_API_URL,
    timeout=httpx.Timeout(8.0, connect=3.0),
    headers={"Authorization": f"Bearer {SMS_API_KEY}"},
)


class SmsDeliveryError(RuntimeError):
    pass


def _mask(phone: str) -> str:
    return phone[:3] + "****" + phone[-2:]


async def send_sms(phone: str, text: str, message_id: str | None = None) -> str:
    message_id = message_id or str(uuid.uuid4())
    payload = {"from": SMS_SENDER, "to": phone, "text": text, "client_ref": message_id}
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            resp = await _client.post(
                "/v2/messages",
                json=payload,
                headers={"Idempotency-Key": message_id},  # ok: REL003
            )
            if resp.status_code < 500:
                resp.raise_for_status()
                logger.info("sms %s accepted for %s", message_id, _mask(phone))  # ok: SEC007
                return resp.json()["id"]
            logger.warning("sms %s got %s on attempt %d", message_id, resp.status_code, attempt)
        except httpx.TransportError as exc:
            logger.warning("sms %s transport error on attempt %d: %s", message_id, attempt, type(exc).__name__)
        except httpx.HTTPStatusError as exc:
            raise SmsDeliveryError(f"sms {message_id} rejected: {exc.response.status_code}") from exc
        await asyncio.sleep(0.5 * 2 ** attempt + random.uniform(0, 0.25))
    raise SmsDeliveryError(f"sms {message_id} not delivered after {MAX_ATTEMPTS} attempts")


async def send_pickup_code(phone: str, parcel_id: int, code: str, locker_label: str) -> str:
    text = f"Your parcel is waiting in locker {locker_label}. Pickup code: {code}"
    return await send_sms(phone, text, message_id=f"pickup-code-{parcel_id}")


async def aclose() -> None:
    await _client.aclose()
