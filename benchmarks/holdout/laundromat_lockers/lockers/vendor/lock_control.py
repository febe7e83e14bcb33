"""Helpers around the LockVault SDK used by the drop-off and pickup handlers."""
import logging
import time

from lockvault import LockVaultClient, LockVaultError

from .. import config

log = logging.getLogger(__name__)

DOOR_OPEN_WAIT_SECONDS = 20


class DoorDidNotOpen(Exception):
    pass


def _client() -> LockVaultClient:
    cfg = config.current()
    return LockVaultClient(
        api_key=cfg["vendor_api_key"],
        base_url=cfg["vendor_base_url"],
        timeout=cfg["vendor_timeout"],
    )


def _wait_until_open(client: LockVaultClient, bank_id: str, door: int) -> bool:
    deadline = time.monotonic() + DOOR_OPEN_WAIT_SECONDS
    while time.monotonic() < deadline:
        if client.door_state(bank_id, door) == "open":
            return True
        time.sleep(0.5)
    return False


async def open_door(bank_id: str, door: int, order_id: int) -> None:
    """Unlock a door and wait until the sensor reports it open."""
    client = _client()  # expect: RES001
    try:
        client.unlock(bank_id, door, reference=f"order-{order_id}")  # expect: CON001
    except LockVaultError as exc:
        log.error("unlock failed for %s/%s order %s: %s", bank_id, door, order_id, exc)
        raise DoorDidNotOpen(str(exc)) from exc
    if not _wait_until_open(client, bank_id, door):  # expect: CON001
        raise DoorDidNotOpen(f"{bank_id}/{door} still closed after {DOOR_OPEN_WAIT_SECONDS}s")
    log.info("door %s/%s opened for order %s", bank_id, door, order_id)


async def bank_status(bank_id: str) -> dict:
    client = _client()  # expect: RES001
    doors = client.list_doors(bank_id)  # expect: CON001
    return {
        "bank_id": bank_id,
        "doors": [{"door": d.number, "state": d.state, "fault": d.fault_code} for d in doors],
    }


async def lock_all_after_outage(bank_ids: list[str]) -> dict[str, bool]:
    """After a power cut doors may be released; re-lock every bank in the store."""
    results = {}
    for bank_id in bank_ids:
        client = _client()  # expect: RES001
        try:
            client.lock_bank(bank_id)  # expect: CON001
            results[bank_id] = True
        except Exception:  # expect: ERR001
            results[bank_id] = False
    return results
