"""Mountain-guide portal login with server-side sessions in Redis."""
import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import time

from aiohttp import web

from .config import DB, REDIS
from .middleware import json_error

logger = logging.getLogger(__name__)

SESSION_COOKIE = "hut_session"
SESSION_TTL = 12 * 3600
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60

_failed_logins: dict[str, list[float]] = {}


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)  # ok: SEC009
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    candidate = hash_password(password, bytes.fromhex(salt_hex)).split("$")[2]
    return hmac.compare_digest(candidate, digest_hex)


def _recent_failures(email: str) -> int:
    now = time.time()
    return sum(1 for t in _failed_logins.get(email, []) if now - t < FAILURE_WINDOW)


async def login(request: web.Request) -> web.Response:
    body = await request.json()
    email = str(body.get("email", "")).strip().lower()
    password = str(body.get("password", ""))
    if _recent_failures(email) >= MAX_FAILURES:
        raise json_error(429, "too many attempts, try again later")

    async with request.app[DB].acquire() as conn:
        guide = await conn.fetchrow("SELECT id, name, password_hash FROM guides WHERE email = $1 AND active", email)
    password_ok = guide is not None and await asyncio.to_thread(verify_password, password, guide["password_hash"])  # ok: CON001
    if not password_ok:
        _failed_logins.setdefault(email, []).append(time.time())  # expect: SCL001, RES002
        logger.info("guide login failed")
        raise json_error(401, "wrong email or password")

    _failed_logins.pop(email, None)
    token = secrets.token_urlsafe(32)
    await request.app[REDIS].set(
        f"session:{token}", json.dumps({"guide_id": guide["id"], "name": guide["name"]}), ex=SESSION_TTL
    )
    response = web.json_response({"guide": {"id": guide["id"], "name": guide["name"]}})
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_TTL, samesite="Lax")  # expect: SEC012
    logger.info("guide login ok guide_id=%s", guide["id"])
    return response


async def logout(request: web.Request) -> web.Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await request.app[REDIS].delete(f"session:{token}")
    response = web.json_response({"ok": True})
    response.del_cookie(SESSION_COOKIE)
    return response


async def current_guide(request: web.Request) -> dict:
    """Return the logged-in guide's session data or raise 401."""
    token = request.cookies.get(SESSION_COOKIE)
    raw = await request.app[REDIS].get(f"session:{token}") if token else None
    if raw is None:
        raise json_error(401, "login required")
    return json.loads(raw)
