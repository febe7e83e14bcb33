"""Standings API and the websocket feed that drives the venue screens."""
import json
import logging

from aiohttp import web

from judging.db import json_error

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

ORDER_COLUMNS = {
    "average": "s.score_sum / NULLIF(s.score_count, 0)",
    "scores": "s.score_count",
    "name": "t.name",
}
CACHE_SECONDS = 10


@routes.get("/public/events/{event_id}/standings")
async def standings(request):
    event_id = int(request.match_info["event_id"])
    sort_key = request.query.get("sort", "average")
    order_by = ORDER_COLUMNS.get(sort_key)
    if order_by is None:
        return json_error(400, "invalid_sort", "sort must be one of " + ", ".join(ORDER_COLUMNS))
    track = request.query.get("track", "all")[:40]
    redis = request.app["redis"]
    cache_key = f"standings:{event_id}:{track}:{sort_key}"
    cached = await redis.get(cache_key)
    if cached is not None:
        return web.Response(text=cached, content_type="application/json")

    sql = f"""
        SELECT t.id, t.name, tr.name AS track, s.score_count,
               s.score_sum / NULLIF(s.score_count, 0) AS average,
               coalesce(array_agg(b.label ORDER BY b.label) FILTER (WHERE b.id IS NOT NULL), '{{}}') AS badges
        FROM submissions s
        JOIN teams t ON t.id = s.team_id
        JOIN tracks tr ON tr.id = t.track_id
        LEFT JOIN team_badges tb ON tb.team_id = t.id
        LEFT JOIN badges b ON b.id = tb.badge_id
        WHERE t.event_id = $1 AND ($2 = 'all' OR tr.slug = $2)
        GROUP BY t.id, t.name, tr.name, s.score_sum, s.score_count
        ORDER BY {order_by} DESC NULLS LAST
        LIMIT 100"""
    async with request.app["db"].acquire() as conn:
        rows = await conn.fetch(sql, event_id, track)  # ok: SEC001, DB001
    payload = json.dumps({"event_id": event_id, "board": [
        {"rank": i, "team_id": r["id"], "team": r["name"], "track": r["track"],
         "scores": r["score_count"], "badges": list(r["badges"]),
         "average": round(float(r["average"]), 3) if r["average"] is not None else None}
        for i, r in enumerate(rows, start=1)
    ]})
    await redis.set(cache_key, payload, ex=CACHE_SECONDS)  # ok: RES002
    return web.Response(text=payload, content_type="application/json")


@routes.get("/public/events/{event_id}/live")
async def live_feed(request):
    event_id = int(request.match_info["event_id"])
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    redis = request.app["redis"]
    pubsub = redis.pubsub()
    await pubsub.subscribe(f"board:{event_id}")
    try:
        snapshot = await redis.get(f"board:{event_id}:snapshot")
        if snapshot:
            await ws.send_str(snapshot)
        while not ws.closed:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=15)
            if message is not None:
                await ws.send_str(message["data"])
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()  # ok: RES001
    return ws
