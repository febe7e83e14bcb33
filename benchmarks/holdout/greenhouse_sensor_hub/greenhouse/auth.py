"""Grower login sessions for the dashboard."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from datetime import datetime, timedelta, timezone

from aiohttp import web
from sqlalchemy import delete, select

from greenhouse.models import Grower, GrowerSession

log = logging.getLogger("greenhouse.auth")

SESSION_COOKIE = "gh_session"
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60
PUBLIC_PATHS = ("/healthz", "/auth/login", "/ingest/")

_failed_logins: dict[str, list[float]] = {}


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)  # ok: SEC009
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        _, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    expected = hash_password(password, salt=base64.b64decode(salt_b64))
    return hmac.compare_digest(expected.split("$")[2], digest_b64)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # ok: SEC009


async def login(request: web.Request) -> web.Response:
    body = await request.json()
    email = str(body.get("email", "")).strip().lower()
    password = str(body.get("password", ""))

    now = time.monotonic()
    recent = [t for t in _failed_logins.get(email, []) if now - t < FAILURE_WINDOW]
    if len(recent) >= MAX_FAILURES:
        return web.json_response({"error": "too_many_attempts"}, status=429)

    async with request.app["sessionmaker"]() as session:
        grower = (await session.execute(select(Grower).where(Grower.email == email))).scalar_one_or_none()
        if grower is None or not verify_password(password, grower.password_hash):  # expect: CON001
            _failed_logins[email] = recent + [now]  # expect: SCL001, RES002
            log.info("failed login for %s", email)
            return web.json_response({"error": "invalid_credentials"}, status=401)

        token = secrets.token_urlsafe(32)
        ttl = request.app["settings"].session_ttl_seconds
        session.add(GrowerSession(
            token_hash=_token_hash(token),
            grower_id=grower.id,
            expires_at=datetime.now(timezone.utc) + timedelta(seconds=ttl),
        ))
        await session.commit()

    _failed_logins.pop(email, None)
    response = web.json_response({"grower_id": grower.id})
    response.set_cookie(SESSION_COOKIE, token, max_age=ttl, path="/")  # expect: SEC012
    return response


async def logout(request: web.Request) -> web.Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        async with request.app["sessionmaker"]() as session:
            await session.execute(delete(GrowerSession).where(GrowerSession.token_hash == _token_hash(token)))
            await session.commit()
    response = web.json_response({"ok": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


@web.middleware
async def session_middleware(request: web.Request, handler):
    if request.path.startswith(PUBLIC_PATHS):
        return await handler(request)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise web.HTTPUnauthorized(text='{"error": "login_required"}', content_type="application/json")
    async with request.app["sessionmaker"]() as session:
        row = await session.get(GrowerSession, _token_hash(token))
    if row is None or row.expires_at < datetime.now(timezone.utc):
        raise web.HTTPUnauthorized(text='{"error": "session_expired"}', content_type="application/json")
    request["grower_id"] = row.grower_id
    return await handler(request)


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/auth/login", login)
    app.router.add_post("/auth/logout", logout)
