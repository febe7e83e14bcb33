import asyncio
import hashlib
import hmac
import json
import logging

import asyncpg
import httpx

from settings import Settings

log = logging.getLogger(__name__)

BATCH = 200
TERMINAL = {"cleared", "rejected", "invalidated"}


async def _broker_hook(conn: asyncpg.Connection, broker_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT webhook_url, webhook_secret FROM brokers WHERE id = $1 AND webhook_url IS NOT NULL",
        broker_id,
    )


def _signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _notify(client: httpx.AsyncClient, hook: asyncpg.Record, payload: dict) -> None:
    body = json.dumps(payload, separators=(",", ":")).encode()
    resp = await client.post(
        hook["webhook_url"],
        content=body,
        headers={"Content-Type": "application/json",
                 "X-Brokerline-Signature": _signature(hook["webhook_secret"], body)},
        timeout=5.0,
    )
    if resp.status_code >= 400:
        log.warning("broker webhook %s answered %s", hook["webhook_url"], resp.status_code)


async def poll_once(pool: asyncpg.Pool, gov: httpx.AsyncClient, hooks: httpx.AsyncClient) -> int:
    changed = 0
    async with pool.acquire() as conn:
        pending = await conn.fetch(
            "SELECT id, broker_id, status, gov_submission_id FROM declarations "
            "WHERE status IN ('submitted', 'accepted', 'inspection') "
            "ORDER BY status_changed_at NULLS FIRST LIMIT $1",
            BATCH,
        )
        for decl in pending:
            resp = await gov.get(f"/filings/{decl['gov_submission_id']}/status")
            if resp.status_code != 200:
                continue
            remote = resp.json().get("status", "").lower()
            if not remote or remote == decl["status"]:
                continue
            await conn.execute(
                "UPDATE declarations SET status = $2, status_changed_at = now() WHERE id = $1",
                decl["id"], remote,
            )
            changed += 1
            hook = await _broker_hook(conn, decl["broker_id"])  # expect: DB001
            if hook is not None:
                await _notify(hooks, hook, {"declaration_id": decl["id"], "status": remote,  # todo-expect: REL004
                                            "final": remote in TERMINAL})
    return changed


async def poll_forever(pool: asyncpg.Pool, settings: Settings) -> None:
    gov = httpx.AsyncClient(
        base_url=settings.gov_api_base,
        cert=(settings.gov_client_cert, settings.gov_client_key),
        verify=settings.gov_ca_bundle,
        timeout=settings.gov_timeout,
    )
    hooks = httpx.AsyncClient()
    try:
        while True:  # ok: REL002
            try:
                changed = await poll_once(pool, gov, hooks)
                if changed:
                    log.info("status poll updated %d declarations", changed)
            except Exception:  # expect: ERR001
                pass
            await asyncio.sleep(settings.status_poll_seconds)
    finally:
        await gov.aclose()
        await hooks.aclose()
