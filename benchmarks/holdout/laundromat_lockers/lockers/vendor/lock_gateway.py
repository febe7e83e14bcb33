"""One shared LockVault client, called off the event loop with bounded concurrency."""
import asyncio
import logging
import time

from lockvault import LockVaultClient, LockVaultError

log = logging.getLogger(__name__)


class DoorDidNotOpen(Exception):
    pass


class LockGateway:
    def __init__(self, client: LockVaultClient, max_concurrent: int = 8, open_wait: float = 20.0):
        self._client = client
        self._slots = asyncio.Semaphore(max_concurrent)
        self._open_wait = open_wait

    @classmethod
    def from_config(cls, cfg: dict) -> "LockGateway":
        client = LockVaultClient(
            api_key=cfg["vendor_api_key"],
            base_url=cfg["vendor_base_url"],
            timeout=cfg["vendor_timeout"],  # ok: REL001
        )
        return cls(client)

    async def _call(self, fn, *args, **kwargs):
        async with self._slots:
            return await asyncio.to_thread(fn, *args, **kwargs)  # ok: CON001

    async def open_door(self, bank_id: str, door: int, order_id: int) -> None:
        try:
            await self._call(self._client.unlock, bank_id, door, reference=f"order-{order_id}")
        except LockVaultError as exc:
            log.warning("unlock refused for %s/%s order %s: %s", bank_id, door, order_id, exc)
            raise DoorDidNotOpen(str(exc)) from exc

        deadline = time.monotonic() + self._open_wait
        while time.monotonic() < deadline:
            if await self._call(self._client.door_state, bank_id, door) == "open":
                log.info("door %s/%s opened for order %s", bank_id, door, order_id)
                return
            await asyncio.sleep(0.5)  # ok: CON001
        raise DoorDidNotOpen(f"{bank_id}/{door} still closed after {self._open_wait:.0f}s")

    async def bank_status(self, bank_id: str) -> dict:
        doors = await self._call(self._client.list_doors, bank_id)
        return {
            "bank_id": bank_id,
            "doors": [{"door": d.number, "state": d.state, "fault": d.fault_code} for d in doors],
        }

    async def lock_all(self, bank_ids: list[str]) -> dict[str, bool]:
        async def one(bank_id: str) -> bool:
            try:
                await self._call(self._client.lock_bank, bank_id)
                return True
            except LockVaultError:
                log.exception("re-lock failed for bank %s", bank_id)
                return False

        outcomes = await asyncio.gather(*(one(b) for b in bank_ids))
        return dict(zip(bank_ids, outcomes))

    async def close(self) -> None:
        await asyncio.to_thread(self._client.close)
