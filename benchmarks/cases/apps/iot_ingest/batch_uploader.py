"""Edge-side uploader that ships spooled batches of readings from disk to the cloud ingest API."""

import asyncio
import logging
import random
from pathlib import Path

import aiohttp

logger = logging.getLogger(__name__)

INGEST_URL = "https://ingest.iot.example.com/v1/batches"
SPOOL_DIR = Path("/var/spool/iot-batches")
MAX_ATTEMPTS = 5


def _spooled_batches() -> list[Path]:
    return sorted(SPOOL_DIR.glob("*.ndjson"))


async def _upload_one(session: aiohttp.ClientSession, path: Path) -> bool:
    body = await asyncio.to_thread(path.read_bytes)  # ok: CON001
    headers = {"Content-Type": "application/x-ndjson", "Idempotency-Key": path.stem}
    for attempt in range(1, MAX_ATTEMPTS + 1):  # ok: REL002
        try:
            async with session.post(INGEST_URL, data=body, headers=headers) as resp:  # ok: REL003
                if resp.status < 500:
                    resp.raise_for_status()
                    return True
                logger.warning("ingest answered %d for %s on attempt %d", resp.status, path.name, attempt)
        except aiohttp.ClientConnectionError:
            logger.warning("upload of %s failed on attempt %d", path.name, attempt, exc_info=True)  # ok: OBS002
        delay = min(30.0, 2**attempt) + random.uniform(0, 1)  # ok: SEC010
        await asyncio.sleep(delay)  # ok: CON001
    return False


async def drain_spool() -> int:
    timeout = aiohttp.ClientTimeout(total=30, connect=5)
    uploaded = 0
    paths = await asyncio.to_thread(_spooled_batches)
    async with aiohttp.ClientSession(timeout=timeout) as session:  # ok: REL001
        for path in paths:
            if await _upload_one(session, path):
                await asyncio.to_thread(path.unlink)
                uploaded += 1
            else:
                logger.error("giving up on %s for this round; it stays in the spool", path.name)
    return uploaded


async def run_forever(interval: float = 15.0) -> None:
    while True:  # ok: REL002
        try:
            uploaded = await drain_spool()
            if uploaded:
                logger.info("uploaded %d spooled batches", uploaded)
        except aiohttp.ClientError:
            logger.exception("spool drain failed; retrying in %.0f s", interval)
        await asyncio.sleep(interval)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run_forever())  # ok: SCL003
