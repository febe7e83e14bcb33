import asyncio
import logging
from typing import Optional

import httpx

from fleet.settings import get_settings

logger = logging.getLogger(__name__)

CHARGE_THRESHOLD_PCT = 30


async def _reserve_slot(conn, robot_id: str, zone: str) -> Optional[int]:
    charger = await conn.fetchrow(
        "SELECT id, free_slots FROM chargers WHERE zone = $1 AND online AND free_slots > 0 "
        "ORDER BY free_slots DESC LIMIT 1",
        zone,
    )
    if charger is None:
        return None
    await conn.execute("UPDATE chargers SET free_slots = $1 WHERE id = $2", charger["free_slots"] - 1, charger["id"])  # expect: DB004
    await conn.execute(
        "INSERT INTO charge_reservations (robot_id, charger_id, state, created_at) VALUES ($1, $2, 'active', now())",
        robot_id, charger["id"],
    )
    return charger["id"]


async def request_charge(pool, robot_id: str, zone: Optional[str]) -> Optional[int]:
    async with pool.acquire() as conn:
        existing = await conn.fetchval(
            "SELECT charger_id FROM charge_reservations WHERE robot_id = $1 AND state = 'active'", robot_id
        )
        if existing is not None:
            return existing
        async with conn.transaction():
            return await _reserve_slot(conn, robot_id, zone or "default")  # expect: DB005


async def release_charge(pool, robot_id: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        charger_id = await conn.fetchval(
            "UPDATE charge_reservations SET state = 'released', released_at = now() "
            "WHERE robot_id = $1 AND state = 'active' RETURNING charger_id",
            robot_id,
        )
        if charger_id is not None:
            await conn.execute("UPDATE chargers SET free_slots = free_slots + 1 WHERE id = $1", charger_id)  # ok: DB004


async def _dispatch_to_charger(http: httpx.AsyncClient, robot_id: str, charger_id: int) -> None:
    url = f"{get_settings().gateway_url}/robots/{robot_id}/commands"
    resp = await http.post(url, json={"type": "go_charge", "charger_id": charger_id})  # ok: REL001
    resp.raise_for_status()


async def schedule_once(state) -> int:
    async with state.pool.acquire() as conn:
        low = await conn.fetch(
            "SELECT r.id, r.zone FROM robots r "
            "WHERE r.battery_pct < $1 AND r.status = 'idle' "
            "AND NOT EXISTS (SELECT 1 FROM charge_reservations c WHERE c.robot_id = r.id AND c.state = 'active') "
            "ORDER BY r.battery_pct LIMIT 25",  # ok: DB002
            CHARGE_THRESHOLD_PCT,
        )
    dispatched = 0
    for row in low:
        charger_id = await request_charge(state.pool, row["id"], row["zone"])
        if charger_id is None:
            continue
        await _dispatch_to_charger(state.http, row["id"], charger_id)
        dispatched += 1
    return dispatched


async def run_scheduler(state) -> None:
    interval = get_settings().charging_interval_s
    while True:  # ok: REL002
        try:
            count = await schedule_once(state)
            if count:
                logger.info("sent %d robots to chargers", count)
        except Exception:  # expect: ERR001
            pass
        await asyncio.sleep(interval)
