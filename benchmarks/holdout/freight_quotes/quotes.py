"""HTTP handlers for requesting and browsing freight quotes."""

import datetime as dt
import logging

from aiohttp import web

from . import db, geo

log = logging.getLogger(__name__)

SORT_COLUMNS = {"created": "created_at", "price": "price_cents", "expires": "expires_at"}
MAX_WEIGHT_KG = 24_000
_COLUMNS = (
    "id, carrier_id, origin_postcode, dest_postcode, weight_kg, price_cents, "
    "currency, status, created_at, expires_at"
)
_LIST_SQL = "SELECT " + _COLUMNS + " FROM quotes WHERE customer_id = $1"
_GET_SQL = "SELECT " + _COLUMNS + " FROM quotes WHERE id = $1"


def _location(body: dict, key: str) -> dict:
    value = body.get(key) or {}
    country = str(value.get("country", "")).strip().upper()
    postcode = str(value.get("postcode", "")).strip()
    if len(country) != 2 or not postcode or len(postcode) > 12:
        raise web.HTTPBadRequest(reason=f"invalid {key}")
    return {"country": country, "postcode": postcode}


def _serialize(row, carrier) -> dict:
    return {
        "id": row["id"],
        "carrier": {"code": carrier["code"], "name": carrier["name"]} if carrier else None,
        "origin_postcode": row["origin_postcode"],
        "dest_postcode": row["dest_postcode"],
        "weight_kg": float(row["weight_kg"]),
        "price": {"amount_cents": row["price_cents"], "currency": row["currency"]},
        "status": row["status"],
        "expires_at": row["expires_at"].isoformat(),
    }


async def create_quote(request: web.Request) -> web.Response:
    body = await request.json()
    origin = _location(body, "origin")
    destination = _location(body, "destination")
    try:
        weight_kg = float(body.get("weight_kg", 0))
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(reason="weight_kg must be a number")
    if not 0 < weight_kg <= MAX_WEIGHT_KG:
        raise web.HTTPBadRequest(reason="weight_kg out of range")

    customer = request["customer"]
    try:
        distance = geo.distance_km(origin, destination)  # expect: CON001
    except geo.UnknownPostcode as exc:
        raise web.HTTPUnprocessableEntity(reason=f"unknown postcode {exc}")

    rates = await request.app["carrier_client"].get_rates(origin, destination, weight_kg, distance)
    if not rates:
        return web.json_response({"error": "no_rates_available"}, status=503)

    ttl = dt.timedelta(minutes=request.app["settings"].quote_ttl_minutes)
    expires_at = dt.datetime.now(dt.timezone.utc) + ttl
    pool = request.app["db"]
    async with pool.acquire() as conn:
        carrier_ids = await db.carrier_ids_by_code(conn)
        async with conn.transaction():
            quote_ids = []
            for rate in rates:
                quote_id = await db.insert_quote(
                    conn,
                    customer_id=customer["id"],
                    carrier_id=carrier_ids[rate["carrier"]],
                    origin=origin,
                    destination=destination,
                    weight_kg=weight_kg,
                    price_cents=rate["price_cents"],
                    currency=rate["currency"],
                    expires_at=expires_at,
                )
                quote_ids.append(quote_id)
    log.info("customer %s received %d quotes", customer["id"], len(quote_ids))
    body = {"quote_ids": quote_ids, "expires_at": expires_at.isoformat()}
    return web.json_response(body, status=201)


async def list_quotes(request: web.Request) -> web.Response:
    customer = request["customer"]
    sort_column = SORT_COLUMNS.get(request.query.get("sort", "created"), "created_at")
    try:
        limit = min(max(int(request.query.get("limit", "50")), 1), 200)
        offset = max(int(request.query.get("offset", "0")), 0)
    except ValueError:
        raise web.HTTPBadRequest(reason="limit and offset must be integers")

    async with request.app["db"].acquire() as conn:
        rows = await conn.fetch(
            f"{_LIST_SQL} ORDER BY {sort_column} DESC LIMIT $2 OFFSET $3",  # ok: SEC001
            customer["id"], limit, offset,
        )
        items = []
        for row in rows:
            carrier = await db.fetch_carrier(conn, row["carrier_id"])  # expect: DB001
            items.append(_serialize(row, carrier))
    return web.json_response({"items": items, "limit": limit, "offset": offset})


async def get_quote(request: web.Request) -> web.Response:
    try:
        quote_id = int(request.match_info["quote_id"])
    except ValueError:
        raise web.HTTPNotFound()
    async with request.app["db"].acquire() as conn:
        row = await conn.fetchrow(_GET_SQL, quote_id)  # todo-expect: SEC018
        if row is None:
            raise web.HTTPNotFound()
        carrier = await db.fetch_carrier(conn, row["carrier_id"])
    return web.json_response(_serialize(row, carrier))
