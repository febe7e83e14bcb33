import asyncio
import logging
import os

import httpx

logger = logging.getLogger(__name__)

SMS_API_URL = os.environ.get("SMS_API_URL", "https://api.sms-relay.example")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "LockerBox")


def _mask(phone: str) -> str:
    return phone[:3] + "****" + phone[-2:]


async def send_pickup_sms(phone: str, code: str, locker_label: str) -> None:
    payload = {
        "from": SMS_SENDER,
        "to": phone,
        "text": f"Your parcel is waiting in locker {locker_label}. Pickup code: {code}",
    }
    async with httpx.AsyncClient(timeout=10, verify=False) as client:  # expect: SEC011
        while True:  # expect: REL002
            try:
                resp = await client.post(  # expect: REL003
                    f"{SMS_API_URL}/v2/messages",
                    json=payload,
                    headers={"Authorization": f"Bearer {SMS_API_KEY}"},
                )
                resp.raise_for_status()
                logger.info("pickup sms queued for %s", _mask(phone))
                return
            except httpx.HTTPError as exc:
                logger.warning("sms to %s failed (%s), retrying", _mask(phone), type(exc).__name__)
                await asyncio.sleep(2)


async def send_overdue_reminder(phone: str, locker_label: str, fee_cents: int) -> bool:
    text = (
        f"Your parcel in locker {locker_label} has been stored for over 48h. "
        f"Current storage fee: {fee_cents / 100:.2f} EUR."
    )
    async with httpx.AsyncClient(timeout=10) as client:
        try:
            resp = await client.post(
                f"{SMS_API_URL}/v2/messages",
                json={"from": SMS_SENDER, "to": phone, "text": text},
                headers={"Authorization": f"Bearer {SMS_API_KEY}"},
            )
            resp.raise_for_status()
        except httpx.HTTPError:
            logger.exception("overdue reminder to %s failed", _mask(phone))
            return False
    return True
