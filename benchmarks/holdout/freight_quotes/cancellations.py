"""Shipment cancellation: state change plus an outbox row drained by a worker."""

import json
import logging

from aiohttp import web

from .carriers import CarrierError, CarrierRejected

log = logging.getLogger(__name__)

CANCELLABLE = ("booked", "pickup_scheduled")


async def cancel_shipment(request: web.Request) -> web.Response:
    customer = request["customer"]
    try:
        shipment_id = int(request.match_info["shipment_id"])
    except ValueError:
        raise web.HTTPNotFound()
    body = await request.json() if request.can_read_body else {}
    reason = str(body.get("reason", ""))[:500]

    async with request.app["db"].acquire() as conn:
        async with conn.transaction():
            shipment = await conn.fetchrow(
                """
                SELECT s.id, s.status, s.carrier_reference, c.code AS carrier_code
                FROM shipments s JOIN carriers c ON c.id = s.carrier_id
                WHERE s.id = $1 AND s.customer_id = $2
                FOR UPDATE OF s
                """,
                shipment_id,
                customer["id"],
            )
            if shipment is None:
                raise web.HTTPNotFound()
            if shipment["status"] not in CANCELLABLE:
                return web.json_response(
                    {"error": "not_cancellable", "status": shipment["status"]}, status=409
                )
            await conn.execute(
                "UPDATE shipments SET status = 'cancelling', updated_at = now() WHERE id = $1",  # ok: DB005
                shipment_id,
            )
            payload = {"carrier": shipment["carrier_code"], "reference": shipment["carrier_reference"]}
            await conn.execute(
                """
                INSERT INTO carrier_outbox (shipment_id, action, payload, idempotency_key, reason)
                VALUES ($1, 'cancel', $2::jsonb, $3, $4)
                ON CONFLICT (idempotency_key) DO NOTHING
                """,
                shipment_id,
                json.dumps(payload),
                f"cancel-{shipment_id}",
                reason,
            )
    log.info("shipment %s cancellation requested by customer %s", shipment_id, customer["id"])
    return web.json_response({"shipment_id": shipment_id, "status": "cancelling"}, status=202)


async def drain_outbox(pool, carrier_client, batch_size: int = 50) -> int:
    """Send pending carrier actions; run by the outbox worker, not the web process."""
    sent = 0
    async with pool.acquire() as conn:
        async with conn.transaction():
            rows = await conn.fetch(
                """
                SELECT id, shipment_id, payload, idempotency_key FROM carrier_outbox
                WHERE sent_at IS NULL AND action = 'cancel' AND attempts < 10
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """,
                batch_size,
            )
            for row in rows:
                payload = json.loads(row["payload"])
                try:
                    await carrier_client.cancel_shipment(
                        payload["carrier"], payload["reference"], row["idempotency_key"]
                    )
                except (CarrierError, CarrierRejected):
                    log.exception("outbox %s: cancel of shipment %s failed", row["id"], row["shipment_id"])
                    await conn.execute(
                        "UPDATE carrier_outbox SET attempts = attempts + 1, last_error_at = now() WHERE id = $1",
                        row["id"],
                    )
                    continue
                await conn.execute("UPDATE carrier_outbox SET sent_at = now() WHERE id = $1", row["id"])  # ok: DB001
                await conn.execute(
                    "UPDATE shipments SET status = 'cancelled', updated_at = now() WHERE id = $1",
                    row["shipment_id"],
                )
                sent += 1
    return sent
