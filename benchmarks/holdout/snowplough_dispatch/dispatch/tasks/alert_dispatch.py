"""Turn a weather alert into SMS call-outs for the on-call drivers of the affected area.

Also runnable as ``python -m dispatch.tasks.alert_dispatch`` from cron, to pick up
alerts whose call-out did not finish.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

import aiohttp
from tortoise import Tortoise

from dispatch.config import load_settings
from dispatch.models import Driver, Route, WeatherAlert

logger = logging.getLogger(__name__)


class SmsGateway:
    def __init__(self, base_url: str, api_key: str) -> None:
        self._base_url = base_url
        self._api_key = api_key
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "SmsGateway":
        self._session = aiohttp.ClientSession(
            headers={"Authorization": f"Key {self._api_key}"},
            timeout=aiohttp.ClientTimeout(total=10),
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._session.close()

    async def send(self, to: str, text: str) -> None:
        async with self._session.post(f"{self._base_url}/messages", json={"to": to, "text": text}) as resp:
            resp.raise_for_status()


def _message(alert: WeatherAlert, routes: list[Route]) -> str:
    codes = ", ".join(route.code for route in routes[:6])
    return (
        f"GRITTING CALL-OUT ({alert.severity.upper()}) {alert.area} from "
        f"{alert.valid_from:%H:%M}. Routes: {codes}. Reply YES to confirm."
    )


async def dispatch_alert(alert_id: int) -> int:
    """Text every on-call driver whose depot covers the alert area; returns texts sent."""
    settings = load_settings()
    alert = await WeatherAlert.get(id=alert_id)
    if alert.dispatched_at is not None:
        return 0

    routes = await Route.filter(area=alert.area).order_by("priority", "code")
    depot_ids = sorted({route.depot_id for route in routes})
    drivers = await Driver.filter(on_call=True, depot_id__in=depot_ids)
    text = _message(alert, routes)

    sent = 0
    async with SmsGateway(settings.sms_gateway_url, settings.sms_gateway_key) as sms:
        for driver in drivers:
            try:
                await sms.send(driver.phone, text)  # expect: REL003
                sent += 1
            except Exception:
                continue  # expect: ERR001

    alert.dispatched_at = datetime.now(timezone.utc)
    await alert.save(update_fields=["dispatched_at"])
    logger.info("alert %s dispatched to %d of %d drivers", alert.id, sent, len(drivers))
    return sent


async def redispatch_pending(grace_minutes: int = 3) -> list[int]:
    cutoff = datetime.now(timezone.utc) - timedelta(minutes=grace_minutes)
    pending = await WeatherAlert.filter(
        dispatched_at__isnull=True, severity__in=["amber", "red"], received_at__lt=cutoff
    ).values_list("id", flat=True)
    for alert_id in pending:
        await dispatch_alert(alert_id)
    return list(pending)


async def _main() -> None:
    settings = load_settings()
    await Tortoise.init(db_url=settings.database_url, modules={"models": ["dispatch.models"]})
    try:
        done = await redispatch_pending()
        print(f"re-dispatched {len(done)} alerts: {done}")  # ok: OBS001
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(_main())
