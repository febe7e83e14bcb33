"""SMS delivery of check-in codes through the gateway's REST API."""
import asyncio
import datetime
import logging
import random

import aiohttp
from aiohttp import web

from ..config import CONFIG, HTTP

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
_in_flight: set[asyncio.Task] = set()


def new_checkin_code() -> str:
    return str(random.randint(100000, 999999))  # expect: SEC010


def _message(code: str, hut_slug: str, night: datetime.date) -> str:
    return (
        f"Hut booking {hut_slug} for {night:%d.%m.%Y}: your check-in code is {code}. "
        "Show it to the warden on arrival. Cancel by replying STORNO."
    )


async def _deliver(session: aiohttp.ClientSession, url: str, api_key: str, phone: str, text: str, reference: str) -> None:
    payload = {"to": phone, "text": text, "sender": "HUETTE", "client_reference": reference}
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with session.post(url, json=payload, headers={"Authorization": f"Bearer {api_key}"}) as resp:
                if resp.status < 500:
                    resp.raise_for_status()
                    logger.info("sms accepted reference=%s attempt=%s", reference, attempt)
                    return
                logger.warning("sms gateway status=%s reference=%s attempt=%s", resp.status, reference, attempt)
        except aiohttp.ClientConnectionError:
            logger.warning("sms gateway unreachable reference=%s attempt=%s", reference, attempt, exc_info=True)
        await asyncio.sleep(2 ** attempt + random.random())  # ok: SEC010
    logger.error("sms not delivered after %s attempts reference=%s", MAX_ATTEMPTS, reference)


def send_checkin_code(app: web.Application, phone: str, code: str, hut_slug: str, night: datetime.date) -> None:
    """Send the check-in code without making the guest wait for the gateway."""
    config = app[CONFIG]
    reference = f"checkin-{hut_slug}-{night:%Y%m%d}-{code}"
    task = asyncio.create_task(  # expect: REL005
        _deliver(app[HTTP], config.sms_api_url, config.sms_api_key, phone, _message(code, hut_slug, night), reference)
    )
    _in_flight.add(task)
    task.add_done_callback(_in_flight.discard)


async def resend_checkin_code(app: web.Application, phone: str, code: str, hut_slug: str, night: datetime.date) -> None:
    """Used by the warden desk when a guest lost the message; waits for the gateway."""
    config = app[CONFIG]
    reference = f"resend-{hut_slug}-{night:%Y%m%d}-{code}-{int(datetime.datetime.now().timestamp())}"
    await _deliver(app[HTTP], config.sms_api_url, config.sms_api_key, phone, _message(code, hut_slug, night), reference)


async def drain(timeout: float = 10.0) -> None:
    """Give in-flight messages a moment to finish on shutdown."""
    if _in_flight:
        await asyncio.wait(set(_in_flight), timeout=timeout)
