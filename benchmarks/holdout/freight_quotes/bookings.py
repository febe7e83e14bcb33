"""Quote acceptance: books the shipment with the carrier and records it."""

import asyncio
import datetime as dt
import logging

import aiohttp
from aiohttp import web

from .carriers import CarrierError, CarrierRejected

log = logging.getLogger(__name__)

_WEBHOOK_TIMEOUT = aiohttp.ClientTimeout(total=5)


def _pickup_window(body: dict) -> tuple:
    try:
        start = dt.datetime.fromisoformat(body["pickup_from"])
        end = dt.datetime.fromisoformat(body["pickup_until"])
    except (KeyError, TypeError, ValueError):
        raise web.HTTPBadRequest(reason="pickup_from and pickup_until must be ISO timestamps")
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise web.HTTPBadRequest(reason="invalid pickup window")
    return start, end


async def _notify_customer(session: aiohttp.ClientSession, url: str, payload: dict) -> None:
    try:
        async with session.post(url, json=payload, timeout=_WEBHOOK_TIMEOUT) as resp:
            if resp.status >= 400:
                log.warning("customer webhook %s answered %s", url, resp.status)
    except (aiohttp.ClientError, asyncio.TimeoutError):
        log.warning("customer webhook %s failed", url, exc_info=True)


async def accept_quote(request: web.Request) -> web.Response:
    customer = request["customer"]
    try:
        quote_id = int(request.match_info["quote_id"])
    except ValueError:
        raise web.HTTPNotFound()
    body = await request.json()
    pickup_from, pickup_until = _pickup_window(body)
    carrier_client = request.app["carrier_client"]

    async with request.app["db"].acquire() as conn:
        quote = await conn.fetchrow(
            """
            SELECT q.id, q.status, q.expires_at, q.price_cents, q.currency, q.weight_kg,
                   q.origin_country, q.origin_postcode, q.dest_country, q.dest_postcode,
                   q.carrier_id, c.code AS carrier_code, cu.webhook_url
            FROM quotes q
            JOIN carriers c ON c.id = q.carrier_id
            JOIN customers cu ON cu.id = q.customer_id
            WHERE q.id = $1 AND q.customer_id = $2
            """,
            quote_id,
            customer["id"],
        )
        if quote is None:
            raise web.HTTPNotFound()
        if quote["status"] != "open":
            return web.json_response({"error": "quote_not_open", "status": quote["status"]}, status=409)
        if quote["expires_at"] <= dt.datetime.now(dt.timezone.utc):
            return web.json_response({"error": "quote_expired"}, status=410)

        booking_request = {
            "reference": f"FQ-{quote_id}",
            "origin": {"country": quote["origin_country"], "postcode": quote["origin_postcode"]},
            "destination": {"country": quote["dest_country"], "postcode": quote["dest_postcode"]},
            "weight_kg": float(quote["weight_kg"]),
            "pickup": {"from": pickup_from.isoformat(), "until": pickup_until.isoformat()},
            "contact": body.get("contact", {}),
        }
        try:
            booking = await carrier_client.book_shipment(quote["carrier_code"], booking_request)  # expect: REL004
        except CarrierRejected as exc:
            return web.json_response({"error": "carrier_rejected", "detail": str(exc)[:300]}, status=422)
        except CarrierError:
            log.exception("booking quote %s with %s failed", quote_id, quote["carrier_code"])
            return web.json_response({"error": "carrier_unavailable"}, status=503)

        async with conn.transaction():
            await conn.execute(
                "UPDATE quotes SET status = 'accepted', accepted_at = now() WHERE id = $1", quote_id  # expect: DB005
            )
            shipment_id = await conn.fetchval(
                """
                INSERT INTO shipments (customer_id, quote_id, carrier_id, carrier_reference,
                                       tracking_number, status, pickup_from, pickup_until)
                VALUES ($1, $2, $3, $4, $5, 'booked', $6, $7)
                RETURNING id
                """,
                customer["id"],
                quote_id,
                quote["carrier_id"],
                booking["reference"],
                booking.get("tracking_number"),
                pickup_from,
                pickup_until,
            )

    log.info("quote %s accepted as shipment %s", quote_id, shipment_id)
    if quote["webhook_url"]:
        event = {"type": "shipment.booked", "shipment_id": shipment_id, "quote_id": quote_id}
        asyncio.create_task(_notify_customer(request.app["http"], quote["webhook_url"], event))  # expect: REL005
    return web.json_response(
        {"shipment_id": shipment_id, "carrier_reference": booking["reference"]}, status=201
    )
