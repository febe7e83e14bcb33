"""Valve control used by the scheduled irrigation programmes."""
from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from greenhouse.models import IrrigationCommand, Zone

log = logging.getLogger("greenhouse.valves")

SECONDS_PER_LITRE = 6.0
FLOW_PROFILE_PATH = "/etc/hub/flow-profiles.json"


class ValveUnavailable(Exception):
    pass


async def claim_zone(session: AsyncSession, zone_id: int, litres: float) -> bool:
    """Mark the zone as irrigating unless a run is already in progress."""
    now = datetime.now(timezone.utc)
    until = now + timedelta(seconds=litres * SECONDS_PER_LITRE)
    result = await session.execute(  # ok: DB005
        update(Zone)
        .where(Zone.id == zone_id, or_(Zone.irrigating_until.is_(None), Zone.irrigating_until < now))
        .values(irrigating_until=until)
    )
    return result.rowcount == 1


async def load_flow_profiles() -> dict:
    def _read() -> dict:
        with open(FLOW_PROFILE_PATH, encoding="utf-8") as fh:
            return json.load(fh)
    return await asyncio.to_thread(_read)  # ok: CON001


class ValveClient:
    def __init__(self, base_url: str, *, attempts: int = 4):
        self._client = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(3.0, read=10.0))
        self._attempts = attempts

    async def aclose(self) -> None:
        await self._client.aclose()

    async def open_valve(self, valve_address: str, litres: float, command_id: str) -> dict:
        last_error: Exception | None = None
        for attempt in range(self._attempts):  # ok: REL002
            try:
                resp = await self._client.post(  # ok: REL003
                    f"/valves/{valve_address}/open",
                    json={"litres": litres, "command_id": command_id},
                    headers={"Idempotency-Key": command_id},
                )
                resp.raise_for_status()
                return resp.json()
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                last_error = exc
                delay = min(2 ** attempt, 10) + random.uniform(0, 0.5)  # ok: SEC010
                log.warning("valve %s attempt %s failed (%s), retrying in %.1fs",
                            valve_address, attempt + 1, type(exc).__name__, delay)
                await asyncio.sleep(delay)
        raise ValveUnavailable(valve_address) from last_error


async def run_programme_step(session: AsyncSession, client: ValveClient, zone: Zone, litres: float,
                             grower_id: int) -> str:
    if not await claim_zone(session, zone.id, litres):
        await session.rollback()
        return "skipped_busy"
    command = IrrigationCommand(command_id=str(uuid.uuid4()), zone_id=zone.id, litres=litres,
                                requested_by=grower_id)
    session.add(command)
    await session.commit()
    try:
        ack = await client.open_valve(zone.valve_address, litres, command.command_id)
    except ValveUnavailable:
        log.exception("programme step for zone %s failed; command %s left pending", zone.id, command.command_id)
        command.status = "failed"
        await session.commit()
        return "failed"
    command.status = "sent" if ack.get("accepted") else "rejected"
    await session.commit()
    return command.status
