"""Alert evaluation: compare the latest readings against each grower's rules and text them."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

import httpx
from aiohttp import web
from sqlalchemy import select

from greenhouse.models import AlertRule, Greenhouse, Grower, Reading, Sensor

log = logging.getLogger("greenhouse.alerts")

EVALUATION_INTERVAL = 60
STALE_AFTER = timedelta(minutes=10)

COMPARATORS = {
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


def rule_matches(rule: AlertRule, value: float) -> bool:
    if rule.expression:
        return bool(eval(rule.expression, {"value": value, "threshold": rule.threshold}))  # expect: SEC003
    return COMPARATORS[rule.op](value, rule.threshold)


async def send_sms(http: httpx.AsyncClient, url: str, token: str, phone: str, message: str) -> None:
    delay = 1.0
    while True:  # expect: REL002
        try:
            resp = await http.post(url, headers={"Authorization": f"Bearer {token}"},  # expect: REL003
                                   json={"to": phone, "body": message})
            resp.raise_for_status()
            return
        except httpx.HTTPError:
            log.warning("sms to grower failed, retrying in %.0fs", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60)


async def _latest_reading(session, sensor_id: int) -> Reading | None:
    result = await session.execute(
        select(Reading).where(Reading.sensor_id == sensor_id).order_by(Reading.taken_at.desc()).limit(1)
    )
    return result.scalar_one_or_none()


async def evaluate_once(app: web.Application) -> int:
    settings = app["settings"]
    now = datetime.now(timezone.utc)
    fired = 0
    async with app["sessionmaker"]() as session:
        rules = (await session.execute(
            select(AlertRule, Grower.phone, Sensor.kind, Greenhouse.name)
            .join(Greenhouse, Greenhouse.id == AlertRule.greenhouse_id)
            .join(Grower, Grower.id == Greenhouse.owner_id)
            .join(Sensor, Sensor.id == AlertRule.sensor_id)
            .where(AlertRule.enabled.is_(True))
        )).all()
        for rule, phone, kind, greenhouse_name in rules:
            latest = await _latest_reading(session, rule.sensor_id)  # expect: DB001
            if latest is None or now - latest.taken_at > STALE_AFTER:
                continue
            if rule.last_fired_at and now - rule.last_fired_at < timedelta(minutes=rule.cooldown_minutes):
                continue
            if not rule_matches(rule, latest.value):
                continue
            if phone:
                text = f"{greenhouse_name}: {kind} is {latest.value:g} (rule {rule.op} {rule.threshold:g})"
                await send_sms(app["http"], settings.sms_api_url, settings.sms_api_token, phone, text)
            rule.last_fired_at = now
            fired += 1
        await session.commit()
    return fired


async def evaluate_forever(app: web.Application) -> None:
    while True:  # ok: REL002
        try:
            fired = await evaluate_once(app)
            if fired:
                log.info("alert pass fired %s rule(s)", fired)
        except Exception:
            log.exception("alert evaluation pass failed")
        await asyncio.sleep(EVALUATION_INTERVAL)
