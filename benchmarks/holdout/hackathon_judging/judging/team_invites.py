"""E-mail invitations from a team captain, accepted with a one-time link."""
import asyncio
import logging
import random
import secrets

from aiohttp import web

from judging.db import json_error

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


def _send_invite(ses, sender, recipient, team_name, link):
    ses.send_email(
        Source=sender,
        Destination={"ToAddresses": [recipient]},
        Message={"Subject": {"Data": f"You're invited to join {team_name}"},
                 "Body": {"Text": {"Data": f"Accept within three days: {link}"}}},
    )


@routes.post("/teams/{team_id}/invites")
async def invite_member(request):
    team_id = int(request.match_info["team_id"])
    captain_id = int(request["user"]["sub"])
    email = str((await request.json()).get("email", "")).strip().lower()
    if "@" not in email:
        return json_error(400, "invalid_email")
    async with request.app["db"].acquire() as conn:
        team = await conn.fetchrow(  # ok: SEC018
            "SELECT id, name FROM teams WHERE id = $1 AND captain_id = $2", team_id, captain_id
        )
        if team is None:
            return json_error(404, "not_found")
        token = secrets.token_urlsafe(24)  # ok: SEC010
        await conn.execute(
            """INSERT INTO team_invites (token, team_id, email, expires_at)
               VALUES ($1, $2, $3, now() + interval '3 days')""",
            token, team_id, email,
        )
    settings = request.app["settings"]
    link = f"{settings.public_base_url}/invites/{token}"
    await asyncio.to_thread(_send_invite, request.app["ses"], settings.mail_sender,  # ok: CON001
                            email, team["name"], link)
    log.info("captain %s invited a member to team %s", captain_id, team_id)
    return web.json_response({"status": "invited"}, status=201)


@routes.post("/invites/{token}/accept")
async def accept_invite(request):
    user_id = int(request["user"]["sub"])
    async with request.app["db"].acquire() as conn:
        async with conn.transaction():
            invite = await conn.fetchrow(
                """SELECT i.team_id, t.event_id, t.max_members FROM team_invites i
                   JOIN teams t ON t.id = i.team_id
                   WHERE i.token = $1 AND i.accepted_at IS NULL AND i.expires_at > now()
                   FOR UPDATE OF t, i""",
                request.match_info["token"],
            )
            if invite is None:
                return json_error(404, "invite_not_found")
            size = await conn.fetchval("SELECT count(*) FROM team_members WHERE team_id = $1", invite["team_id"])
            if size >= invite["max_members"]:
                return json_error(409, "team_full")
            joined = await conn.fetchval(  # ok: DB005
                """INSERT INTO team_members (event_id, team_id, user_id, role)
                   VALUES ($1, $2, $3, 'member')
                   ON CONFLICT (event_id, user_id) DO NOTHING RETURNING team_id""",
                invite["event_id"], invite["team_id"], user_id,
            )
            if joined is None:
                return json_error(409, "already_on_a_team")
            await conn.execute("UPDATE team_invites SET accepted_at = now() WHERE token = $1",
                               request.match_info["token"])
    log.info("user %s accepted invite to team %s", user_id, invite["team_id"])
    return web.json_response({"team_id": invite["team_id"]})


@routes.get("/events/{event_id}/teams/suggestions")
async def suggest_teams(request):
    async with request.app["db"].acquire() as conn:
        open_teams = await conn.fetch(
            """SELECT t.id, t.name FROM teams t
               WHERE t.event_id = $1 AND t.looking_for_members
               ORDER BY t.created_at DESC LIMIT 50""",
            int(request.match_info["event_id"]),
        )
    picks = random.sample(list(open_teams), k=min(5, len(open_teams)))  # ok: SEC010
    return web.json_response([dict(r) for r in picks])
