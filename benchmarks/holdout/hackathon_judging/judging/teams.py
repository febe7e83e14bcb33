"""Team registration and joining with a six-character team code."""
import logging
import random
import string

from aiohttp import web

from judging.db import fetch_event, json_error

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

CODE_ALPHABET = string.ascii_uppercase + string.digits
DEFAULT_MAX_MEMBERS = 5


def _new_join_code():
    return "".join(random.choices(CODE_ALPHABET, k=6))  # expect: SEC010


@routes.post("/events/{event_id}/teams")
async def register_team(request):
    event_id = int(request.match_info["event_id"])
    user_id = int(request["user"]["sub"])
    body = await request.json()
    name = str(body.get("name", "")).strip()
    if not 2 <= len(name) <= 60:
        return json_error(400, "invalid_name", "team names are 2-60 characters")
    pool = request.app["db"]
    event = await fetch_event(pool, event_id)
    if event is None or event["status"] != "registration":
        return json_error(409, "registration_closed")

    async with pool.acquire() as conn:
        async with conn.transaction():
            team_id = await conn.fetchval(  # ok: DB005
                """INSERT INTO teams (event_id, name, captain_id, join_code, max_members)
                   VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (event_id, name) DO NOTHING RETURNING id""",
                event_id, name, user_id, _new_join_code(), DEFAULT_MAX_MEMBERS,
            )
            if team_id is None:
                return json_error(409, "name_taken")
            await conn.execute(
                "INSERT INTO team_members (event_id, team_id, user_id, role) VALUES ($1, $2, $3, 'captain')",
                event_id, team_id, user_id,
            )
    log.info("team %s registered for event %s by user %s", team_id, event_id, user_id)
    return web.json_response({"id": team_id, "name": name}, status=201)


@routes.post("/events/{event_id}/teams/join")
async def join_team(request):
    event_id = int(request.match_info["event_id"])
    user_id = int(request["user"]["sub"])
    code = str((await request.json()).get("code", "")).strip().upper()
    async with request.app["db"].acquire() as conn:
        team = await conn.fetchrow(
            "SELECT id, name, max_members FROM teams WHERE event_id = $1 AND join_code = $2",
            event_id, code,
        )
        if team is None:
            return json_error(404, "unknown_code")
        on_a_team = await conn.fetchval(
            "SELECT 1 FROM team_members WHERE event_id = $1 AND user_id = $2", event_id, user_id
        )
        if on_a_team:
            return json_error(409, "already_on_a_team")
        size = await conn.fetchval("SELECT count(*) FROM team_members WHERE team_id = $1", team["id"])
        if size >= team["max_members"]:
            return json_error(409, "team_full")
        await conn.execute(  # expect: DB005
            "INSERT INTO team_members (event_id, team_id, user_id, role) VALUES ($1, $2, $3, 'member')",
            event_id, team["id"], user_id,
        )
    log.info("user %s joined team %s", user_id, team["id"])
    return web.json_response({"team_id": team["id"], "name": team["name"]})


@routes.get("/events/{event_id}/teams")
async def list_teams(request):
    event_id = int(request.match_info["event_id"])
    async with request.app["db"].acquire() as conn:
        rows = await conn.fetch(  # ok: DB002
            "SELECT id, name FROM teams WHERE event_id = $1 ORDER BY name", event_id
        )
    return web.json_response([dict(r) for r in rows])


@routes.get("/teams/{team_id}")
async def team_detail(request):
    team_id = int(request.match_info["team_id"])
    async with request.app["db"].acquire() as conn:
        team = await conn.fetchrow(  # expect: SEC018
            "SELECT id, event_id, name, captain_id, join_code FROM teams WHERE id = $1", team_id
        )
        if team is None:
            return json_error(404, "not_found")
        members = await conn.fetch(
            """SELECT u.id, u.display_name, u.email, u.phone, tm.role
               FROM team_members tm JOIN users u ON u.id = tm.user_id
               WHERE tm.team_id = $1 ORDER BY tm.role, u.display_name""",
            team_id,
        )
    return web.json_response({**dict(team), "members": [dict(m) for m in members]})
