"""Staged firmware rollouts: tell eligible devices that a new image is available."""
import asyncio
import logging
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import asyncpg
import httpx

from .config import get_settings

logger = logging.getLogger(__name__)

_CANDIDATES = """
    SELECT d.id AS device_id, d.push_token, d.model,
           r.id AS rollout_id, r.version, r.filename, r.sha256
      FROM rollouts r
      JOIN devices d ON d.model = r.model
     WHERE r.state = 'active'
       AND d.push_token IS NOT NULL
       AND d.firmware_version <> r.version
       AND d.pending_version IS DISTINCT FROM r.version
     ORDER BY r.id, d.id
     LIMIT $1
"""


def _read_catalog(path: Path) -> set[str]:
    with closing(sqlite3.connect(path, timeout=5)) as conn:  # ok: RES001
        rows = conn.execute("SELECT model FROM models WHERE ota_supported = 1").fetchall()
    return {row[0] for row in rows}


def _signature_ok(image: Path) -> bool:
    result = subprocess.run(
        ["openssl", "dgst", "-sha256", "-verify", "/etc/thermo/firmware-pub.pem",
         "-signature", f"{image}.sig", str(image)],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return result.returncode == 0


async def _push(http: httpx.AsyncClient, device: asyncpg.Record, token: str) -> bool:
    settings = get_settings()
    try:
        resp = await http.post(  # ok: REL001
            f"{settings.push_gateway_url}/v1/notify",
            json={
                "push_token": device["push_token"],
                "type": "firmware_available",
                "version": device["version"],
                "url": f"/v1/firmware/download/{device['filename']}",
                "sha256": device["sha256"],
            },
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": f"rollout-{device['rollout_id']}-{device['device_id']}",  # ok: REL003
            },
        )
    except httpx.HTTPError as exc:
        logger.warning("push to device %s failed: %s", device["device_id"], exc)
        return False
    if resp.status_code >= 400:
        logger.warning("push gateway refused device %s: %s", device["device_id"], resp.status_code)
        return False
    return True


async def advance_rollouts(db: asyncpg.Pool, redis, http: httpx.AsyncClient) -> int:
    settings = get_settings()
    supported = await asyncio.to_thread(_read_catalog, settings.catalog_db_path)  # ok: CON001
    candidates = await db.fetch(_CANDIDATES, settings.rollout_batch_size)
    token = settings.push_gateway_token.get_secret_value()

    verified: dict[int, bool] = {}
    notified = []
    for device in candidates:
        if device["model"] not in supported:
            continue
        rollout_id = device["rollout_id"]
        if rollout_id not in verified:
            image = settings.firmware_dir / device["filename"]
            verified[rollout_id] = await asyncio.to_thread(_signature_ok, image)  # ok: CON001
            if not verified[rollout_id]:
                logger.error("rollout %s image failed signature check, pausing", rollout_id)
                await db.execute("UPDATE rollouts SET state = 'paused' WHERE id = $1", rollout_id)
        if verified[rollout_id] and await _push(http, device, token):
            notified.append((device["device_id"], device["version"]))

    if notified:
        await db.executemany(
            "UPDATE devices SET pending_version = $2, pending_since = now() WHERE id = $1",
            notified,
        )
    logger.info("rollout pass notified %d of %d candidates", len(notified), len(candidates))
    return len(notified)
