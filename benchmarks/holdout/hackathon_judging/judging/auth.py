"""Passwordless sign-in for participants and judges, plus a helper for public pages."""
import asyncio
import logging
import secrets
import time

import jwt
from aiohttp import web

from judging.db import json_error

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAGIC_LINK_TTL = 15 * 60
SESSION_TTL = 12 * 60 * 60


def _send_link(ses, sender, recipient, link):
    ses.send_email(
        Source=sender,
        Destination={"ToAddresses": [recipient]},
        Message={
            "Subject": {"Data": "Your HackWeek sign-in link"},
            "Body": {"Text": {"Data": f"Sign in within 15 minutes: {link}"}},
        },
    )


@routes.post("/auth/magic-link")
async def request_magic_link(request):
    body = await request.json()
    email = str(body.get("email", "")).strip().lower()
    if "@" not in email:
        return json_error(400, "invalid_email")
    settings = request.app["settings"]
    async with request.app["db"].acquire() as conn:
        user = await conn.fetchrow("SELECT id FROM users WHERE email = $1 AND active", email)
    if user is not None:
        token = secrets.token_urlsafe(32)
        await request.app["redis"].set(f"magic:{token}", user["id"], ex=MAGIC_LINK_TTL)
        link = f"{settings.public_base_url}/auth/callback?token={token}"
        log.info("magic link issued for user %s: %s", user["id"], link)  # expect: SEC007
        await asyncio.to_thread(_send_link, request.app["ses"], settings.mail_sender, email, link)
    return web.json_response({"status": "if that address is registered, a link is on its way"}, status=202)


@routes.get("/auth/callback")
async def magic_callback(request):
    token = request.query.get("token", "")
    user_id = await request.app["redis"].getdel(f"magic:{token}")  # ok: DB005
    if not user_id:
        return json_error(400, "invalid_or_used_link")
    async with request.app["db"].acquire() as conn:
        user = await conn.fetchrow("SELECT id, role, display_name FROM users WHERE id = $1", int(user_id))
    if user is None:
        return json_error(400, "invalid_or_used_link")
    settings = request.app["settings"]
    now = int(time.time())
    claims = {"sub": str(user["id"]), "role": user["role"], "name": user["display_name"],
              "aud": settings.jwt_audience, "iat": now, "exp": now + SESSION_TTL}
    access_token = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    log.info("user %s signed in via magic link", user["id"])
    return web.json_response({"access_token": access_token, "expires_in": SESSION_TTL})


def peek_claims(request):
    """Role of the caller on public pages, where the auth middleware does not run."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return {}
    try:
        return jwt.decode(header[7:], options={"verify_signature": False})  # expect: SEC008
    except jwt.DecodeError:
        return {}
