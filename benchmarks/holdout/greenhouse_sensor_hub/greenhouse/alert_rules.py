"""Growers manage their alert rules and can send themselves a test text."""
from __future__ import annotations

import asyncio
import logging
import operator
import uuid

import httpx
from aiohttp import web
from sqlalchemy import select

from greenhouse.models import AlertRule, Greenhouse, Grower, Sensor, Zone

log = logging.getLogger("greenhouse.alert_rules")

OPERATORS = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le}
MAX_RULES_PER_GREENHOUSE = 100


async def _owned_greenhouse(session, greenhouse_id: int, grower_id: int) -> Greenhouse:
    greenhouse = (await session.execute(
        select(Greenhouse).where(Greenhouse.id == greenhouse_id, Greenhouse.owner_id == grower_id)
    )).scalar_one_or_none()
    if greenhouse is None:
        raise web.HTTPNotFound()
    return greenhouse


def evaluate(op: str, value: float, threshold: float) -> bool:
    return OPERATORS[op](value, threshold)  # ok: SEC003


async def create_rule(request: web.Request) -> web.Response:
    body = await request.json()
    op = body.get("op")
    if op not in OPERATORS:
        return web.json_response({"error": "unsupported_operator"}, status=400)
    try:
        threshold = float(body["threshold"])
        sensor_id = int(body["sensor_id"])
        cooldown = max(5, min(int(body.get("cooldown_minutes", 30)), 24 * 60))
    except (KeyError, TypeError, ValueError):
        return web.json_response({"error": "invalid_rule"}, status=400)

    async with request.app["sessionmaker"]() as session:
        greenhouse = await _owned_greenhouse(session, int(request.match_info["greenhouse_id"]), request["grower_id"])
        in_greenhouse = (await session.execute(
            select(Sensor.id).join(Zone, Zone.id == Sensor.zone_id)
            .where(Sensor.id == sensor_id, Zone.greenhouse_id == greenhouse.id)
        )).scalar_one_or_none()
        if in_greenhouse is None:
            return web.json_response({"error": "unknown_sensor"}, status=400)
        rule = AlertRule(greenhouse_id=greenhouse.id, sensor_id=sensor_id, op=op,
                         threshold=threshold, cooldown_minutes=cooldown)
        session.add(rule)
        await session.commit()
    return web.json_response({"id": rule.id}, status=201)


async def list_rules(request: web.Request) -> web.Response:
    async with request.app["sessionmaker"]() as session:
        greenhouse = await _owned_greenhouse(session, int(request.match_info["greenhouse_id"]), request["grower_id"])
        rules = (await session.execute(
            select(AlertRule).where(AlertRule.greenhouse_id == greenhouse.id)
            .order_by(AlertRule.id).limit(MAX_RULES_PER_GREENHOUSE)
        )).scalars().all()
    return web.json_response([
        {"id": r.id, "sensor_id": r.sensor_id, "op": r.op, "threshold": r.threshold, "enabled": r.enabled}
        for r in rules
    ])


async def send_test_text(request: web.Request) -> web.Response:
    settings = request.app["settings"]
    message_id = request.headers.get("Idempotency-Key") or str(uuid.uuid4())
    async with request.app["sessionmaker"]() as session:
        grower = await session.get(Grower, request["grower_id"])
    if not grower or not grower.phone:
        return web.json_response({"error": "no_phone_number"}, status=400)

    for attempt in range(3):
        try:
            resp = await request.app["http"].post(  # ok: REL003
                settings.sms_api_url,
                headers={"Authorization": f"Bearer {settings.sms_api_token}"},
                json={"to": grower.phone, "body": "Test alert from your greenhouse hub.", "client_ref": message_id},
            )
            resp.raise_for_status()
            return web.json_response({"sent": True, "message_id": message_id})
        except httpx.HTTPError:
            log.warning("test sms attempt %s failed for grower %s", attempt + 1, grower.id)
            await asyncio.sleep(2 ** attempt)
    return web.json_response({"error": "sms_provider_unavailable"}, status=502)


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/greenhouses/{greenhouse_id}/rules", create_rule)
    app.router.add_get("/greenhouses/{greenhouse_id}/rules", list_rules)
    app.router.add_post("/alerts/test", send_test_text)
