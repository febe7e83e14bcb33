"""Automatic refunds for returns flagged for auto-refund, run as a separate worker process."""
import asyncio
import logging

import asyncpg
import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from app.config import Settings, get_settings
from app.db import RmaStatus, close_pool, create_pool, record_event

logger = logging.getLogger("returns.refund_worker")

BATCH_SIZE = 50
STUCK_AFTER = "30 minutes"


class RefundDeclined(Exception):
    """The payment provider refused the refund; retrying will not help."""


async def _claim_batch(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        "UPDATE rma SET status = $1, updated_at = now() WHERE id IN ("
        "  SELECT id FROM rma WHERE status = $2 AND auto_refund"
        "  ORDER BY updated_at LIMIT $3 FOR UPDATE SKIP LOCKED"
        ") RETURNING id",  # ok: DB005
        RmaStatus.REFUND_PENDING,
        RmaStatus.INSPECTED,
        BATCH_SIZE,
    )


async def _send_refund(http: httpx.AsyncClient, settings: Settings, row: asyncpg.Record) -> str:
    async for attempt in AsyncRetrying(
        stop=stop_after_attempt(5),
        wait=wait_exponential_jitter(initial=1, max=30),
        retry=retry_if_exception_type(httpx.TransportError),
        reraise=True,
    ):
        with attempt:
            resp = await http.post(
                f"{settings.payments_base_url}/refunds",
                json={
                    "payment": row["payment_reference"],
                    "amount": row["quantity"] * row["unit_price_cents"],
                    "currency": row["currency"],
                    "reason": "customer_return",
                    "metadata": {"rma_id": row["id"]},
                },
                headers={
                    "Authorization": f"Bearer {settings.payments_api_key.get_secret_value()}",
                    "Idempotency-Key": f"rma-{row['id']}-refund",
                },
                timeout=20.0,
            )
    if resp.status_code in (400, 402, 409, 422):
        raise RefundDeclined(resp.json().get("message", "declined"))
    resp.raise_for_status()
    return resp.json()["id"]


async def process_batch(pool: asyncpg.Pool, http: httpx.AsyncClient, settings: Settings) -> int:
    async with pool.acquire() as conn:
        async with conn.transaction():
            claimed = await _claim_batch(conn)
        if not claimed:
            return 0
        rows = await conn.fetch(
            "SELECT r.id, r.quantity, ol.unit_price_cents, o.payment_reference, o.currency "
            "FROM rma r JOIN order_lines ol ON ol.id = r.order_line_id JOIN orders o ON o.id = r.order_id "
            "WHERE r.id = ANY($1::bigint[])",
            [r["id"] for r in claimed],
        )

    refunded = 0
    for row in rows:
        try:
            reference = await _send_refund(http, settings, row)
        except RefundDeclined as exc:
            async with pool.acquire() as conn:
                await conn.execute("UPDATE rma SET status = $2, refund_error = $3 WHERE id = $1",
                                   row["id"], RmaStatus.REFUND_FAILED, str(exc))
            logger.warning("refund declined rma_id=%s: %s", row["id"], exc)
            continue
        except httpx.HTTPError:
            logger.exception("refund call failed rma_id=%s; left pending for the next sweep", row["id"])
            continue
        async with pool.acquire() as conn:
            await conn.execute(
                "UPDATE rma SET status = $2, refund_reference = $3, refunded_at = now() WHERE id = $1 AND status = $4",
                row["id"], RmaStatus.REFUNDED, reference, RmaStatus.REFUND_PENDING,
            )
            await record_event(conn, row["id"], "refunded", "refund-worker", {"refund": reference})
        refunded += 1
    return refunded


async def requeue_stuck(pool: asyncpg.Pool) -> None:
    """Pending refunds whose worker died are retried; the idempotency key prevents a second refund."""
    async with pool.acquire() as conn:
        await conn.execute(
            f"UPDATE rma SET status = $1, updated_at = now() WHERE status = $2 AND updated_at < now() - interval '{STUCK_AFTER}'",  # ok: SEC001
            RmaStatus.INSPECTED,
            RmaStatus.REFUND_PENDING,
        )


async def main() -> None:
    settings = get_settings()
    pool = await create_pool(settings)
    async with httpx.AsyncClient(timeout=settings.http_timeout_seconds) as http:
        try:
            while True:
                await requeue_stuck(pool)
                done = await process_batch(pool, http, settings)
                await asyncio.sleep(1 if done else 15)
        finally:
            await close_pool(pool)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(main())
