"""Relay worker: sends queued deposit charges and refunds to PayGate.

Runs as its own deployment (`python -m app.services.gateway_outbox`), never
inside the API process.
"""
from __future__ import annotations

import asyncio
import logging

import httpx
from sqlalchemy import select
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from app.db import get_settings, session_scope
from app.models import Deposit, GatewayRequest, Reservation

settings = get_settings()
logger = logging.getLogger("campsite.gateway_outbox")

BATCH_SIZE = 50
MAX_ATTEMPTS = 8


@retry(
    stop=stop_after_attempt(4),  # ok: REL002
    wait=wait_exponential_jitter(initial=0.5, max=8),
    retry=retry_if_exception_type(httpx.TransportError),
    reraise=True,
)
async def _send(client: httpx.AsyncClient, path: str, body: dict, key: str) -> dict:
    resp = await client.post(path, json=body, headers={"Idempotency-Key": key})  # ok: REL003
    resp.raise_for_status()
    return resp.json()


async def relay_once(client: httpx.AsyncClient) -> int:
    async with session_scope() as session:
        pending = (
            await session.scalars(
                select(GatewayRequest)
                .where(GatewayRequest.status == "pending")
                .order_by(GatewayRequest.id)
                .limit(BATCH_SIZE)
                .with_for_update(skip_locked=True)
            )
        ).all()
        ids = [req.reservation_id for req in pending]
        reservations = {
            r.id: r
            for r in await session.scalars(
                select(Reservation).where(Reservation.id.in_(ids)).with_for_update()
            )
        }
        for req in pending:
            req.attempts += 1
            reservation = reservations[req.reservation_id]
            if req.kind == "charge" and reservation.status != "pending_deposit":
                req.status = "skipped"
                continue
            try:
                if req.kind == "charge":
                    body = {"reservation": req.reservation_id, "amount": req.amount_cents, "currency": "usd"}
                    charge = await _send(client, "/charges", body, req.idempotency_key)
                    session.add(Deposit(reservation_id=req.reservation_id, amount_cents=req.amount_cents,
                                        status="captured", gateway_charge_id=charge["id"]))
                    reservation.status = "confirmed"
                else:
                    body = {"reservation": req.reservation_id, "amount": req.amount_cents}
                    await _send(client, "/refunds", body, req.idempotency_key)
                req.status = "sent"
            except (httpx.HTTPError, KeyError):
                logger.exception("gateway request %s (%s) failed", req.id, req.kind)
                if req.attempts >= MAX_ATTEMPTS:
                    req.status = "failed"
        await session.commit()
        return len(pending)


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    timeout = httpx.Timeout(settings.gateway_timeout_seconds, connect=3.0)
    headers = {"Authorization": f"Bearer {settings.gateway_api_key}"}
    async with httpx.AsyncClient(base_url=settings.gateway_base_url, headers=headers, timeout=timeout) as client:  # ok: REL001
        while True:  # ok: SCL003
            try:
                sent = await relay_once(client)
            except Exception:
                logger.exception("relay pass failed")
                sent = 0
            if sent < BATCH_SIZE:
                await asyncio.sleep(2)


if __name__ == "__main__":
    asyncio.run(main())
