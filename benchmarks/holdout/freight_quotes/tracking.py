"""Shipment tracking: carrier event lookups and the tracking endpoint."""

import asyncio
import logging

import aiohttp
from aiohttp import web

log = logging.getLogger(__name__)

MAX_EVENTS = 100
_TIMEOUT = aiohttp.ClientTimeout(total=8, connect=2)
_ATTEMPTS = 3


async def fetch_events(session: aiohttp.ClientSession, carrier, tracking_number: str) -> list:
    url = f"{carrier.base_url}/tracking/{tracking_number}"
    headers = {"Authorization": f"Bearer {carrier.api_key}", "Accept": "application/json"}
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            async with session.get(url, headers=headers, timeout=_TIMEOUT) as resp:  # ok: REL003
                if resp.status == 404:
                    return []
                resp.raise_for_status()
                body = await resp.json()
                return body.get("events", [])[:MAX_EVENTS]
        except (aiohttp.ClientError, asyncio.TimeoutError):
            if attempt == _ATTEMPTS:
                log.exception("tracking lookup for %s at %s failed", tracking_number, carrier.code)
                raise
            await asyncio.sleep(0.3 * 2 ** attempt)
    return []


def _event(raw: dict) -> dict:
    return {
        "at": raw.get("timestamp"),
        "status": raw.get("status_code"),
        "description": raw.get("description", "")[:200],
        "location": raw.get("location"),
    }


async def shipment_tracking(request: web.Request) -> web.Response:
    customer = request["customer"]
    try:
        shipment_id = int(request.match_info["shipment_id"])
    except ValueError:
        raise web.HTTPNotFound()

    async with request.app["db"].acquire() as conn:
        shipment = await conn.fetchrow(
            """
            SELECT s.id, s.status, s.tracking_number, c.code AS carrier_code
            FROM shipments s JOIN carriers c ON c.id = s.carrier_id
            WHERE s.id = $1 AND s.customer_id = $2
            """,
            shipment_id,
            customer["id"],
        )
    if shipment is None:
        raise web.HTTPNotFound()
    if not shipment["tracking_number"]:
        return web.json_response({"shipment_id": shipment_id, "status": shipment["status"], "events": []})

    carrier = next(
        (c for c in request.app["settings"].carriers if c.code == shipment["carrier_code"]), None
    )
    if carrier is None:
        log.error("shipment %s references unknown carrier %s", shipment_id, shipment["carrier_code"])
        raise web.HTTPInternalServerError()

    try:
        events = await fetch_events(request.app["http"], carrier, shipment["tracking_number"])
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return web.json_response(
            {"error": "tracking_unavailable", "shipment_id": shipment_id}, status=503
        )
    return web.json_response(
        {
            "shipment_id": shipment_id,
            "status": shipment["status"],
            "events": [_event(e) for e in events],
        }
    )
