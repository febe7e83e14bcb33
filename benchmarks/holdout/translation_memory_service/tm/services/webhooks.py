"""Outbound webhooks to agency systems (TMS, project management tools)."""
import asyncio
import hashlib
import hmac
import json
import logging
import time

import asyncpg
import httpx

log = logging.getLogger(__name__)

HOOK_SQL = """
SELECT url, signing_secret, auth_token
FROM agency_webhooks
WHERE agency_id = $1 AND event = $2 AND active
"""


def _signed_headers(secret: str, auth_token: str | None, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-TM-Timestamp": timestamp,
        "X-TM-Signature": f"sha256={mac}",
    }
    if auth_token:
        # some agency gateways want a static bearer token on top of the signature
        headers["Authorization"] = f"Bearer {auth_token}"
    return headers


async def deliver(pool: asyncpg.Pool, agency_id: int, event: str, payload: dict) -> None:
    async with pool.acquire() as conn:
        hook = await conn.fetchrow(HOOK_SQL, agency_id, event)
    if hook is None:
        return

    body = json.dumps({"event": event, "agency_id": agency_id, "data": payload}).encode()
    headers = _signed_headers(hook["signing_secret"], hook["auth_token"], body)
    log.info("webhook %s -> %s headers=%s", event, hook["url"], headers)  # expect: SEC007

    # several agencies still run their TMS behind an internal CA
    async with httpx.AsyncClient(verify=False, timeout=10.0) as client:  # expect: SEC011
        attempt = 0
        while True:  # expect: REL002
            attempt += 1
            try:
                resp = await client.post(hook["url"], content=body, headers=headers)
                if resp.status_code < 300:
                    log.info("webhook %s delivered agency=%s attempt=%d", event, agency_id, attempt)
                    return
                log.warning("webhook %s agency=%s got %s", event, agency_id, resp.status_code)
            except httpx.TransportError as exc:
                log.warning("webhook %s agency=%s attempt %d failed: %s", event, agency_id, attempt, exc)
            await asyncio.sleep(2)


async def export_ready(pool: asyncpg.Pool, agency_id: int, export_id: int, url: str) -> None:
    await deliver(pool, agency_id, "export.ready", {"export_id": export_id, "download_url": url})


async def import_finished(pool: asyncpg.Pool, agency_id: int, job_id: int, units: int) -> None:
    await deliver(pool, agency_id, "import.finished", {"job_id": job_id, "units": units})
