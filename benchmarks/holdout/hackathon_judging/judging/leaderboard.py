"""Leaderboard for the big screen and the public event page."""
import json
import logging
import time

from aiohttp import web

from judging.auth import peek_claims

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

SNAPSHOT_SECONDS = 10
_snapshots = {}


async def _badges_for(conn, team_id):
    rows = await conn.fetch(
        """SELECT b.label FROM team_badges tb JOIN badges b ON b.id = tb.badge_id
           WHERE tb.team_id = $1 ORDER BY b.label""",
        team_id,
    )
    return [r["label"] for r in rows]


async def _build_board(conn, event_id, track="all", sort="average"):
    sql = f"""
        SELECT t.id, t.name, tr.name AS track, s.score_count,
               s.score_sum / NULLIF(s.score_count, 0) AS average
        FROM submissions s
        JOIN teams t ON t.id = s.team_id
        JOIN tracks tr ON tr.id = t.track_id
        WHERE t.event_id = $1 AND ($2 = 'all' OR tr.slug = $2)
        ORDER BY {sort} DESC NULLS LAST
        LIMIT 100"""
    rows = await conn.fetch(sql, event_id, track)  # expect: SEC001
    board = []
    for rank, row in enumerate(rows, start=1):
        badges = await _badges_for(conn, row["id"])  # expect: DB001
        board.append({
            "rank": rank,
            "team_id": row["id"],
            "team": row["name"],
            "track": row["track"],
            "scores": row["score_count"],
            "average": round(float(row["average"]), 3) if row["average"] is not None else None,
            "badges": badges,
        })
    return board


async def _pending_scores(conn, event_id):
    return await conn.fetchval(
        """SELECT count(*) FROM judge_assignments ja
           JOIN teams t ON t.track_id = ja.track_id
           JOIN submissions s ON s.team_id = t.id
           LEFT JOIN scores sc ON sc.submission_id = s.id AND sc.judge_id = ja.judge_id
           WHERE t.event_id = $1 AND sc.id IS NULL""",
        event_id,
    )


@routes.get("/public/events/{event_id}/leaderboard")
async def leaderboard(request):
    event_id = int(request.match_info["event_id"])
    track = request.query.get("track", "all")
    sort = request.query.get("sort", "average")
    key = (event_id, track, sort)
    cached = _snapshots.get(key)
    if cached and time.monotonic() - cached[0] < SNAPSHOT_SECONDS:
        board = cached[1]
    else:
        async with request.app["db"].acquire() as conn:
            board = await _build_board(conn, event_id, track, sort)
        _snapshots[key] = (time.monotonic(), board)  # expect: RES002

    body = {"event_id": event_id, "board": board}
    if peek_claims(request).get("role") == "organiser":
        async with request.app["db"].acquire() as conn:
            body["pending_scores"] = await _pending_scores(conn, event_id)
    return web.json_response(body)


async def rebuild_snapshots(app):
    """Push a fresh board for every event in judging into Redis for the live screens."""
    async with app["db"].acquire() as conn:
        events = await conn.fetch("SELECT id FROM events WHERE status = 'judging'")
        for event in events:
            board = await _build_board(conn, event["id"])
            await app["redis"].set(f"board:{event['id']}:snapshot", json.dumps(board), ex=60)
    return len(events)
