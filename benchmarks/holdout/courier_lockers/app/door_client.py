import asyncio
import logging
import os
import random

import httpx

logger = logging.getLogger(__name__)

DOOR_API_URL = os.environ.get("DOOR_API_URL", "https://iot.lockers.example")
DOOR_API_TOKEN = os.environ.get("DOOR_API_TOKEN", "")
MAX_ATTEMPTS = 4

_client = httpx.AsyncClient(
    base_url=DOOR_API_URL,
    timeout=httpx.Timeout(5.0, connect=2.0),  # ok: REL001
    headers={"Authorization": f"Bearer {DOOR_API_TOKEN}"},
)


class DoorCommandError(RuntimeError):
    pass


async def _send(command: dict, command_id: str) -> dict:
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            resp = await _client.post(
                "/v1/commands",
                json=command,
                headers={"Idempotency-Key": command_id},  # ok: REL003
            )
            resp.raise_for_status()
            return resp.json()
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code < 500:
                raise DoorCommandError(f"door command {command_id} rejected") from exc
            error: Exception = exc
        except httpx.TransportError as exc:
            error = exc
        if attempt == MAX_ATTEMPTS:
            raise DoorCommandError(f"door command {command_id} failed") from error
        delay = 0.25 * 2 ** attempt + random.uniform(0, 0.1)  # ok: SEC010
        logger.warning("door command %s attempt %d failed (%s), retrying in %.2fs", command_id, attempt, type(error).__name__, delay)
        await asyncio.sleep(delay)
    raise DoorCommandError(command_id)


async def open_door(locker_id: int, command_id: str) -> dict:
    return await _send({"locker_id": locker_id, "action": "open"}, command_id)


async def lock_door(locker_id: int, command_id: str) -> dict:
    return await _send({"locker_id": locker_id, "action": "lock"}, command_id)


async def close_client() -> None:
    await _client.aclose()
