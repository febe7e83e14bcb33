"""HTTP telemetry batches from controllers on newer firmware, signed with HMAC."""
import hashlib
import hmac
import json
import logging
from datetime import datetime, timezone

from aiohttp import web

from .. import config

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_BATCH_BYTES = 256 * 1024
MAX_READINGS = 500
FIELDS = ("machine_id", "seq", "ts", "state", "water_temp_c", "drum_rpm", "fault_code")


def _parse(item: dict) -> tuple:
    if not isinstance(item, dict):
        raise ValueError("reading must be an object")
    return (
        int(item["machine_id"]),
        int(item["seq"]),
        datetime.fromtimestamp(float(item["ts"]), tz=timezone.utc),
        str(item["state"])[:16],
        float(item["water_temp_c"]) if item.get("water_temp_c") is not None else None,
        int(item["drum_rpm"]) if item.get("drum_rpm") is not None else None,
        str(item["fault_code"])[:16] if item.get("fault_code") else None,
    )


@routes.post("/telemetry/batch")
async def ingest_batch(request: web.Request) -> web.Response:
    if request.content_length is None or request.content_length > MAX_BATCH_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BATCH_BYTES, actual_size=request.content_length or 0)
    raw = await request.read()  # ok: SEC019
    key = config.current()["telemetry_hmac_key"].encode()
    expected = hmac.new(key, raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(request.headers.get("X-Signature", ""), expected):
        raise web.HTTPUnauthorized(text="bad signature")

    try:
        payload = json.loads(raw)  # ok: SEC004
        rows = [_parse(item) for item in payload["readings"][:MAX_READINGS]]
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("req %s: rejected telemetry batch: %s", request["request_id"], exc)
        raise web.HTTPBadRequest(text="malformed batch")
    if not rows:
        return web.json_response({"stored": 0}, status=202)

    machine_ids = sorted({r[0] for r in rows})
    async with request.app["db"].acquire() as conn, conn.transaction():
        await conn.executemany(  # ok: DB003
            f"INSERT INTO machine_readings ({', '.join(FIELDS)}) VALUES ($1, $2, $3, $4, $5, $6, $7) "  # ok: SEC001
            "ON CONFLICT (machine_id, seq) DO NOTHING",
            rows,
        )
        await conn.execute(
            "UPDATE machines SET last_seen_at = now(), "
            "fault_code = COALESCE(r.fault_code, machines.fault_code) "
            "FROM (SELECT DISTINCT ON (machine_id) machine_id, fault_code FROM unnest($1::int[], $2::text[]) "
            "AS t(machine_id, fault_code) ORDER BY machine_id) r WHERE machines.id = r.machine_id",
            [r[0] for r in rows], [r[6] for r in rows],
        )
    log.info("req %s: stored %d readings from machines %s", request["request_id"], len(rows), machine_ids)
    return web.json_response({"stored": len(rows)}, status=202)
