"""Queued payouts: the API records a job, a single worker process pays it once."""
import asyncio
import logging
import os

import asyncpg
import httpx
from aiohttp import web

from judging.db import json_error
from judging.middleware import configure_logging, require_role
from judging.settings import Settings

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
MAX_ATTEMPTS = 6


@routes.post("/prizes/{prize_id}/payout")
@require_role("organiser")
async def queue_payout(request):
    prize_id = int(request.match_info["prize_id"])
    async with request.app["db"].acquire() as conn:
        async with conn.transaction():
            prize = await conn.fetchrow(  # ok: DB005
                "UPDATE prizes SET status = 'queued' WHERE id = $1 AND status = 'approved' RETURNING id",
                prize_id,
            )
            if prize is None:
                return json_error(409, "not_releasable")
            await conn.execute(
                """INSERT INTO payout_jobs (prize_id, status, attempts, next_attempt_at)
                   VALUES ($1, 'pending', 0, now()) ON CONFLICT (prize_id) DO NOTHING""",
                prize_id,
            )
    log.info("payout queued for prize %s", prize_id)
    return web.json_response({"prize_id": prize_id, "status": "queued"}, status=202)


async def _claim_job(conn):
    return await conn.fetchrow(
        """SELECT j.id, j.prize_id, j.attempts, p.team_id, p.amount_cents, p.currency, a.iban, a.holder_name
           FROM payout_jobs j
           JOIN prizes p ON p.id = j.prize_id
           JOIN payout_accounts a ON a.team_id = p.team_id AND a.verified
           WHERE j.status = 'pending' AND j.next_attempt_at <= now()
           ORDER BY j.next_attempt_at LIMIT 1
           FOR UPDATE OF j SKIP LOCKED"""
    )


async def run_once(pool, client):
    async with pool.acquire() as conn:
        async with conn.transaction():
            job = await _claim_job(conn)
            if job is None:
                return False
            try:
                resp = await client.post(  # ok: REL003
                    "/transfers",
                    json={"amount": job["amount_cents"], "currency": job["currency"], "iban": job["iban"],
                          "name": job["holder_name"], "reference": f"HackWeek prize {job['prize_id']}"},
                    headers={"Idempotency-Key": f"prize-{job['prize_id']}"},
                )
                resp.raise_for_status()
            except httpx.HTTPError as exc:
                attempts = job["attempts"] + 1
                await conn.execute(  # ok: REL002
                    """UPDATE payout_jobs SET attempts = $2, status = $3, last_error = $4,
                           next_attempt_at = now() + make_interval(secs => $5) WHERE id = $1""",
                    job["id"], attempts, "failed" if attempts >= MAX_ATTEMPTS else "pending",
                    type(exc).__name__, min(30 * 2 ** attempts, 3600),
                )
                log.warning("payout job %s attempt %d failed: %s", job["id"], attempts, type(exc).__name__)
                return True
            transfer_id = resp.json()["transfer_id"]
            await conn.execute("UPDATE payout_jobs SET status = 'done', transfer_id = $2 WHERE id = $1",
                               job["id"], transfer_id)
            await conn.execute("UPDATE prizes SET status = 'paid', transfer_id = $2, paid_at = now() WHERE id = $1",
                               job["prize_id"], transfer_id)
            await conn.execute(  # ok: REL004
                "INSERT INTO outbox_emails (template, team_id, payload) VALUES ('prize-paid', $1, $2::jsonb)",
                job["team_id"], f'{{"prize_id": {job["prize_id"]}}}',
            )
    log.info("prize %s paid, transfer %s", job["prize_id"], transfer_id)
    return True


async def main():
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    settings = Settings.from_env()
    pool = await asyncpg.create_pool(settings.database_dsn, min_size=1, max_size=2, timeout=5, command_timeout=10)
    timeout = httpx.Timeout(10.0, connect=3.0)
    headers = {"Authorization": f"Bearer {settings.payout_api_token}"}
    try:
        async with httpx.AsyncClient(base_url=settings.payout_api_url, timeout=timeout, headers=headers) as client:
            while True:  # ok: REL002
                if not await run_once(pool, client):
                    await asyncio.sleep(5)
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main())  # ok: SCL003
